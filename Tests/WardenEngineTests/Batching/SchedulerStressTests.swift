import Foundation
import Testing
@testable import WardenEngine

@Suite("Continuous batching under random load")
struct SchedulerStressTests {
    /// One randomly drawn request and what the test does with it.
    struct Draw {
        var prompt: [Int32]
        var parameters: SamplingParameters
        /// Stop consuming after this many tokens (nil: consume everything).
        var cancelAfter: Int?
    }

    @Test("random prompts, shared prefixes, lengths and cancellations on a tiny pool: greedy tokens match alone, no block leaks",
          arguments: [UInt64(1), 2, 3])
    func randomLoadKeepsTokensAndAccounting(seed: UInt64) async throws {
        let model = try BatchTestSupport.model()
        var rng = SeededGenerator(seed: seed)
        let system = BatchTestSupport.prompt(12, seed: seed &+ 1000)
        let draws: [Draw] = (0..<14).map { i in
            let own = BatchTestSupport.prompt(Int.random(in: 1...20, using: &rng), seed: seed &* 100 &+ UInt64(i))
            let prompt = Bool.random(using: &rng) ? system + own : own
            let maxTokens = Int.random(in: 1...(63 - prompt.count), using: &rng)
            let cancel = Int.random(in: 0..<4, using: &rng) == 0 ? Int.random(in: 1...max(1, maxTokens), using: &rng) : nil
            return Draw(prompt: prompt, parameters: SamplingParameters(maxTokens: maxTokens), cancelAfter: cancel)
        }
        // 24 blocks of 4 positions for up to 8 sequences of up to 63 positions: preemption is likely.
        let engine = BatchTestSupport.engine(
            model, blockSize: 4, kvCacheBytes: 24 * 4 * 1024, maxRunning: 8, maxBatchTokens: Int.random(in: 8...40, using: &rng),
            prefillChunk: Int.random(in: 3...16, using: &rng))
        let streams = try draws.map { try engine.submit(prompt: $0.prompt, parameters: $0.parameters) }
        let outcomes = try await withThrowingTaskGroup(of: (Int, [Int32], GenerationSummary?).self) { group in
            for (index, stream) in streams.enumerated() {
                let cancelAfter = draws[index].cancelAfter
                group.addTask {
                    let (tokens, summary) = try await BatchTestSupport.consume(stream, stoppingAfter: cancelAfter)
                    return (index, tokens, summary)
                }
            }
            var all = [(tokens: [Int32], summary: GenerationSummary?)](repeating: ([], nil), count: draws.count)
            for try await (index, tokens, summary) in group { all[index] = (tokens, summary) }
            return all
        }
        for (draw, outcome) in zip(draws, outcomes) {
            let alone = try BatchTestSupport.aloneGreedy(model, prompt: draw.prompt, count: draw.parameters.maxTokens)
            if draw.cancelAfter == nil {
                #expect(outcome.tokens == alone)
                #expect(outcome.summary?.finishReason == .length)
            } else {
                #expect(Array(alone.prefix(outcome.tokens.count)) == outcome.tokens)
            }
        }
        #expect(await BatchTestSupport.eventually { engine.metrics().requestsFinished == draws.count })
        let metrics = engine.metrics()
        #expect(metrics.preemptions > 0, "the pool is small enough to force preemptions (35-49 seen per seed)")
        #expect(metrics.kvBlocksUsed == 0 && metrics.runningSequences == 0 && metrics.queuedRequests == 0)
        #expect(metrics.kvBlocksCached <= metrics.kvBlocksTotal)
    }
}
