import Foundation
import Testing
@testable import WardenEngine

@Suite("Continuous batching")
struct BatchSchedulerTests {
    @Test("concurrent greedy requests of different lengths produce exactly the tokens each produces alone")
    func concurrentGreedyEqualsAlone() async throws {
        let model = try BatchTestSupport.model()
        let engine = BatchTestSupport.engine(model, threads: 2, maxBatchTokens: 24, prefillChunk: 7)
        let requests = (0..<10).map { i in
            (prompt: BatchTestSupport.prompt(1 + (i * 7) % 30, seed: UInt64(100 + i)),
             parameters: SamplingParameters(maxTokens: 3 + (i * 5) % 20))
        }
        let results = try await BatchTestSupport.runConcurrently(engine, requests)
        for (request, result) in zip(requests, results) {
            let alone = try BatchTestSupport.aloneGreedy(model, prompt: request.prompt, count: request.parameters.maxTokens)
            #expect(result.tokens == alone)
            #expect(result.summary.finishReason == .length && result.summary.generatedTokens == alone.count)
        }
        #expect(engine.metrics().kvBlocksUsed == 0)
    }

    @Test("seeded sampling gives the same tokens batched as alone, and differs between seeds")
    func seededSamplingIsReproducibleInABatch() async throws {
        let model = try BatchTestSupport.model()
        let parameters = (0..<6).map { i in
            SamplingParameters(maxTokens: 14, temperature: 0.8 + Float(i) * 0.1, topK: 40, topP: 0.95, seed: UInt64(i % 3))
        }
        let prompts = (0..<6).map { BatchTestSupport.prompt(5 + $0 * 3, seed: UInt64(200 + $0)) }
        let batched = try await BatchTestSupport.runConcurrently(
            BatchTestSupport.engine(model), Array(zip(prompts, parameters)).map { (prompt: $0.0, parameters: $0.1) })
        let single = BatchTestSupport.engine(model, maxRunning: 1)
        for (index, (prompt, p)) in zip(prompts, parameters).enumerated() {
            let alone = try await BatchTestSupport.collect(single.submit(prompt: prompt, parameters: p))
            #expect(batched[index].tokens == alone.tokens)
        }
        var other = parameters[0]
        other.seed = 999
        let reseeded = try await BatchTestSupport.collect(single.submit(prompt: prompts[0], parameters: other))
        #expect(reseeded.tokens != batched[0].tokens)
    }

    @Test("cancelling a stream frees its blocks at once, and the pool returns to its starting state")
    func cancellationFreesBlocks() async throws {
        let model = try BatchTestSupport.model()
        let engine = BatchTestSupport.engine(model, prefixCaching: false)
        let start = engine.metrics()
        let stream = try engine.submit(prompt: BatchTestSupport.prompt(20, seed: 1), parameters: SamplingParameters(maxTokens: 40))
        let consumer = Task {
            var seen = 0
            for try await event in stream {
                if case .token = event { seen += 1 }
                if seen == 2 { break }  // leaving the loop terminates the stream
            }
            return seen
        }
        #expect(try await consumer.value == 2)
        #expect(await BatchTestSupport.eventually { engine.metrics().kvBlocksUsed == start.kvBlocksUsed })
        #expect(await BatchTestSupport.eventually { engine.metrics().requestsFinished == 1 })
        let after = engine.metrics()
        #expect(after.runningSequences == 0 && after.kvBlocksCached == 0 && after.kvBlocksUsed == 0)
    }

    @Test("returning false from the blocking callback cancels after that token and frees the blocks")
    func callbackCancellationFreesBlocks() throws {
        let model = try BatchTestSupport.model()
        let engine = BatchTestSupport.engine(model)
        let seen = TokenCollector()
        let summary = try engine.generate(prompt: [9, 8, 7], parameters: SamplingParameters(maxTokens: 30)) {
            seen.add($0.id)
            return seen.ids.count < 3
        }
        #expect(summary.finishReason == .cancelled && seen.ids.count == 3)
        #expect(engine.metrics().kvBlocksUsed == 0)
    }

    @Test("a full queue refuses a request at once with queueFull and a retry delay")
    func fullQueueRefuses() async throws {
        let model = try BatchTestSupport.model()
        let engine = BatchTestSupport.engine(model, maxQueued: 2, maxRunning: 1)
        let long = SamplingParameters(maxTokens: 50)
        var streams: [AsyncThrowingStream<GenerationEvent, any Error>] = []
        var refusal: EngineError?
        for i in 0..<8 {
            do { streams.append(try engine.submit(prompt: [Int32(i + 1)], parameters: long)) } catch { refusal = error; break }
        }
        let error = try #require(refusal)
        #expect(error.code == .queueFull)
        #expect(streams.count >= 3, "one place in the batch plus two waiting")
        #expect((1...60).contains(error.retryAfterSeconds ?? 0))
        #expect(engine.metrics().requestsRejected == 1)
        // The non-throwing stream form reports the same refusal inside the stream.
        await #expect(throws: EngineError(.queueFull, "")) {
            for try await _ in engine.generate(prompt: [1], parameters: long) {}
        }
        for stream in streams { _ = try await BatchTestSupport.collect(stream) }
        // With no waiting room at all, free places in the batch still take requests.
        let noWaiting = BatchTestSupport.engine(model, maxQueued: 0, maxRunning: 2)
        let result = try await BatchTestSupport.collect(noWaiting.submit(prompt: [1, 2], parameters: SamplingParameters(maxTokens: 3)))
        #expect(result.tokens.count == 3)
    }

    @Test("a shared prompt prefix is computed once, reused from the cache, and gives the same tokens as without sharing")
    func prefixSharingReusesBlocks() async throws {
        let model = try BatchTestSupport.model()
        let system = BatchTestSupport.prompt(24, seed: 42)
        let requests = (0..<4).map { i in
            (prompt: system + BatchTestSupport.prompt(3 + i, seed: UInt64(300 + i)), parameters: SamplingParameters(maxTokens: 6))
        }
        let sharing = BatchTestSupport.engine(model)
        let first = try await BatchTestSupport.runConcurrently(sharing, [requests[0]])
        let rest = try await BatchTestSupport.runConcurrently(sharing, Array(requests[1...]))
        let plain = BatchTestSupport.engine(model, prefixCaching: false)
        let unshared = try await BatchTestSupport.runConcurrently(plain, requests)
        #expect((first + rest).map(\.tokens) == unshared.map(\.tokens))
        #expect(rest.allSatisfy { $0.summary.cachedPromptTokens == 24 })
        let withSharing = sharing.metrics(), without = plain.metrics()
        #expect(withSharing.prefixCacheHitTokens == 72 && without.prefixCacheHitTokens == 0)
        #expect(withSharing.computedTokens == without.computedTokens - 72)
        #expect(withSharing.kvBlocksUsed == 0 && withSharing.kvBlocksCached > 0)
    }

    @Test("cached prefixes are shared within a scope and never across scopes")
    func prefixScopesIsolate() async throws {
        let model = try BatchTestSupport.model()
        let engine = BatchTestSupport.engine(model)
        let prompt = BatchTestSupport.prompt(20, seed: 77)
        let parameters = SamplingParameters(maxTokens: 4)
        let first = try await BatchTestSupport.collect(engine.submit(prompt: prompt, parameters: parameters, prefixCacheScope: "team-a"))
        let otherTeam = try await BatchTestSupport.collect(engine.submit(prompt: prompt, parameters: parameters, prefixCacheScope: "team-b"))
        let unscoped = try await BatchTestSupport.collect(engine.submit(prompt: prompt, parameters: parameters))
        let sameTeam = try await BatchTestSupport.collect(engine.submit(prompt: prompt, parameters: parameters, prefixCacheScope: "team-a"))
        #expect(otherTeam.summary.cachedPromptTokens == 0 && unscoped.summary.cachedPromptTokens == 0)
        #expect(sameTeam.summary.cachedPromptTokens == 16)
        #expect(Set([first.tokens, otherTeam.tokens, unscoped.tokens, sameTeam.tokens]).count == 1)
    }

    @Test("preemption under a tiny pool gives the same tokens as without memory pressure, and leaks no block")
    func preemptionKeepsTokens() async throws {
        let model = try BatchTestSupport.model()
        // 16 blocks of 4 positions: one full context; six sequences of up to 44 positions cannot all fit.
        let tiny = BatchTestSupport.engine(model, kvCacheBytes: 1, maxBatchTokens: 32)
        #expect(tiny.metrics().kvBlocksTotal == 16)
        let requests = (0..<6).map { i in
            (prompt: BatchTestSupport.prompt(8 + i * 2, seed: UInt64(400 + i)),
             parameters: i % 2 == 0
                ? SamplingParameters(maxTokens: 30)
                : SamplingParameters(maxTokens: 30, temperature: 0.9, topK: 20, seed: UInt64(i)))
        }
        let pressured = try await BatchTestSupport.runConcurrently(tiny, requests)
        let roomy = try await BatchTestSupport.runConcurrently(BatchTestSupport.engine(model), requests)
        #expect(pressured.map(\.tokens) == roomy.map(\.tokens))
        #expect(pressured.allSatisfy { $0.tokens.count == 30 })
        let metrics = tiny.metrics()
        #expect(metrics.preemptions > 0)
        #expect(pressured.reduce(0) { $0 + $1.summary.preemptions } == metrics.preemptions)
        #expect(metrics.kvBlocksUsed == 0 && metrics.runningSequences == 0 && metrics.queuedRequests == 0)
        #expect(metrics.kvBlocksUsed + metrics.kvBlocksCached <= metrics.kvBlocksTotal)
    }

    @Test("a deadline ends a running request with .deadline, and fails one that never started")
    func deadlinesEndRequests() async throws {
        let model = try BatchTestSupport.model()
        let engine = BatchTestSupport.engine(model, maxRunning: 1)
        let slow = SamplingParameters(maxTokens: 100_000)
        // Held back by a long request ahead of it, this one's deadline passes in the queue.
        let blocker = try engine.submit(prompt: [3, 4], parameters: SamplingParameters(maxTokens: 60))
        let starved = try engine.submit(prompt: [5], parameters: slow, deadline: .now + .milliseconds(1))
        await #expect(throws: EngineError(.deadlineExceeded, "")) { _ = try await BatchTestSupport.collect(starved) }
        _ = try await BatchTestSupport.collect(blocker)
        // A consumer taking 20 ms per token runs past a 100 ms deadline after a few tokens.
        let seen = TokenCollector()
        let summary = try engine.generate(prompt: [5], parameters: slow, deadline: .now + .milliseconds(100)) {
            seen.add($0.id)
            Thread.sleep(forTimeInterval: 0.02)
            return true
        }
        #expect(summary.finishReason == .deadline && summary.generatedTokens == seen.ids.count)
        #expect(seen.ids.count >= 1 && seen.ids.count < 20)
        #expect(engine.metrics().kvBlocksUsed == 0)
    }

    @Test("a prompt longer than the context, an empty prompt or an unknown token id is refused before queueing")
    func invalidPromptsFailCleanly() throws {
        let model = try BatchTestSupport.model()
        let engine = BatchTestSupport.engine(model)
        #expect(throws: EngineError(.contextFull, "")) {
            try engine.submit(prompt: [Int32](repeating: 1, count: 64), parameters: SamplingParameters())
        }
        #expect(throws: EngineError(.invalidRequest, "")) { try engine.submit(prompt: [], parameters: SamplingParameters()) }
        #expect(throws: EngineError(.invalidRequest, "")) { try engine.submit(prompt: [1, 300], parameters: SamplingParameters()) }
        #expect(engine.metrics().requestsSubmitted == 0)
    }

    @Test("a sequence that fills the context stops with .length at the context's end")
    func contextFullEndsWithLength() async throws {
        let model = try BatchTestSupport.model()
        let engine = BatchTestSupport.engine(model)
        let result = try await BatchTestSupport.collect(
            engine.submit(prompt: BatchTestSupport.prompt(60, seed: 5), parameters: SamplingParameters(maxTokens: 100)))
        #expect(result.summary.finishReason == .length && result.tokens.count == 5)
        #expect(result.tokens == (try BatchTestSupport.aloneGreedy(model, prompt: BatchTestSupport.prompt(60, seed: 5), count: 5)))
    }

    @Test("log-probabilities asked for reach the streamed tokens")
    func logprobsAreStreamed() async throws {
        let model = try BatchTestSupport.model()
        let engine = BatchTestSupport.engine(model)
        var parameters = SamplingParameters(maxTokens: 3)
        parameters.logprobs = 2
        var tokens: [GeneratedToken] = []
        for try await event in try engine.submit(prompt: [4, 5, 6], parameters: parameters) {
            if case .token(let token) = event { tokens.append(token) }
        }
        #expect(tokens.count == 3)
        #expect(tokens.allSatisfy { ($0.logprob ?? 1) <= 0 && $0.topLogprobs.count == 2 })
        // Greedy: the chosen token is the most likely one.
        #expect(tokens.allSatisfy { $0.topLogprobs.first?.id == $0.id })
    }

    @Test("a stream keeps running to its end after the caller drops the engine, and maxTokens 0 computes nothing")
    func droppedEngineFinishesItsStreams() async throws {
        let model = try BatchTestSupport.model()
        var engine: InferenceEngine? = BatchTestSupport.engine(model)
        let prompt = BatchTestSupport.prompt(9, seed: 8)
        let empty = try await BatchTestSupport.collect(engine!.submit(prompt: prompt, parameters: SamplingParameters(maxTokens: 0)))
        #expect(empty.tokens.isEmpty && empty.summary.finishReason == .length && engine!.metrics().computedTokens == 0)
        let stream = try engine!.submit(prompt: prompt, parameters: SamplingParameters(maxTokens: 12))
        engine = nil
        let result = try await BatchTestSupport.collect(stream)
        #expect(result.tokens == (try BatchTestSupport.aloneGreedy(model, prompt: prompt, count: 12)))
    }

    @Test("metrics count tokens, requests and times to first token")
    func metricsCountWork() async throws {
        let model = try BatchTestSupport.model()
        let engine = BatchTestSupport.engine(model, prefixCaching: false)
        let requests = (0..<3).map { (prompt: BatchTestSupport.prompt(10, seed: UInt64(600 + $0)), parameters: SamplingParameters(maxTokens: 5)) }
        let results = try await BatchTestSupport.runConcurrently(engine, requests)
        let m = engine.metrics()
        #expect(m.requestsSubmitted == 3 && m.requestsFinished == 3 && m.promptTokens == 30 && m.generatedTokens == 15)
        #expect(m.computedTokens == 30 + 3 * 4)
        #expect(m.timeToFirstTokenCount == 3 && m.recentTimesToFirstToken.count == 3 && m.meanTimeToFirstToken > 0)
        #expect(results.allSatisfy { $0.summary.timeToFirstToken > 0 && $0.summary.timeToFirstToken >= $0.summary.queueSeconds })
    }
}
