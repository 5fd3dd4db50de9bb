import Foundation
@testable import WardenEngine

/// Shared pieces of the batching tests: a synthetic model, engines over it, and helpers that run requests.
enum BatchTestSupport {
    /// A small random qwen2 model (context 64) in Q8_0, as the other engine tests use.
    static func model(seed: UInt64 = 21, architecture: ModelArchitecture = .qwen2) throws -> LanguageModel {
        let synthetic = try SyntheticModel(architecture: architecture, matrixType: .q8_0, seed: seed)
        return try LanguageModel(file: GGUFFile(bytes: synthetic.bytes))
    }

    static func engine(
        _ model: LanguageModel, threads: Int = 1, blockSize: Int = 4, kvCacheBytes: Int? = nil, maxQueued: Int = 64,
        maxRunning: Int = 16, maxBatchTokens: Int = 64, prefillChunk: Int = 512, prefixCaching: Bool = true
    ) -> InferenceEngine {
        InferenceEngine(
            model: model,
            configuration: EngineConfiguration(
                threads: threads, contextCapacity: 64, prefillChunk: prefillChunk, kvCacheBytes: kvCacheBytes,
                kvBlockSize: blockSize, maxQueuedRequests: maxQueued, maxRunningSequences: maxRunning,
                maxBatchTokens: maxBatchTokens, prefixCaching: prefixCaching))
    }

    /// Greedy tokens of `prompt` computed alone on a contiguous cache, without the scheduler: the reference.
    static func aloneGreedy(_ model: LanguageModel, prompt: [Int32], count: Int) throws -> [Int32] {
        let transformer = TransformerModel(weights: model.weights, backend: CPUBackend(threads: 1))
        let slot = KVCacheSlot(hyperparameters: model.hyperparameters, capacity: 64)
        return try greedyTokens(model: transformer, prompt: prompt, count: count, slot: slot)
    }

    /// A deterministic prompt of `length` tokens in 1..<300 (the synthetic vocabulary).
    static func prompt(_ length: Int, seed: UInt64) -> [Int32] {
        var rng = SeededGenerator(seed: seed)
        return (0..<length).map { _ in Int32.random(in: 1..<300, using: &rng) }
    }

    /// Consumes a stream, returning its tokens and summary.
    static func collect(
        _ stream: AsyncThrowingStream<GenerationEvent, any Error>
    ) async throws -> (tokens: [Int32], summary: GenerationSummary) {
        let (tokens, summary) = try await consume(stream)
        guard let summary else { throw EngineError(.cancelled, "no summary") }
        return (tokens, summary)
    }

    /// Consumes a stream until it ends or, when `limit` is given, until `limit` tokens arrived (leaving the loop then
    /// drops the stream, which cancels the sequence); the summary is nil for a stream left early.
    static func consume(
        _ stream: AsyncThrowingStream<GenerationEvent, any Error>, stoppingAfter limit: Int? = nil
    ) async throws -> (tokens: [Int32], summary: GenerationSummary?) {
        var tokens: [Int32] = []
        var summary: GenerationSummary?
        for try await event in stream {
            switch event {
            case .token(let token): tokens.append(token.id)
            case .finished(let s): summary = s
            }
            if let limit, tokens.count >= limit { break }
        }
        return (tokens, summary)
    }

    /// Runs every request at once on `engine` and returns each one's tokens and summary, in request order.
    static func runConcurrently(
        _ engine: InferenceEngine, _ requests: [(prompt: [Int32], parameters: SamplingParameters)]
    ) async throws -> [(tokens: [Int32], summary: GenerationSummary)] {
        let streams = try requests.map { try engine.submit(prompt: $0.prompt, parameters: $0.parameters) }
        return try await withThrowingTaskGroup(of: (Int, [Int32], GenerationSummary).self) { group in
            for (index, stream) in streams.enumerated() {
                group.addTask {
                    let result = try await collect(stream)
                    return (index, result.tokens, result.summary)
                }
            }
            var results = [(tokens: [Int32], summary: GenerationSummary)?](repeating: nil, count: requests.count)
            for try await (index, tokens, summary) in group { results[index] = (tokens, summary) }
            return results.map { $0! }
        }
    }

    /// Polls `condition` every 5 ms for up to `seconds`; true as soon as it holds.
    static func eventually(within seconds: Double = 5, _ condition: () -> Bool) async -> Bool {
        let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < end {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return condition()
    }
}
