import Foundation

/// Runs a loaded model for many callers at once: token ids in, streamed token ids out.
///
/// ```swift
/// let model = try LanguageModel.load(path: path)
/// let engine = InferenceEngine(model: model)
/// let stream = try engine.submit(prompt: ids, parameters: SamplingParameters(maxTokens: 64),
///                                deadline: .now + .seconds(30))        // throws EngineError(.queueFull) at once
/// for try await event in stream {
///     if case .token(let token) = event { print(token.id) }
/// }
/// ```
/// Requests are batched continuously on the engine's own compute thread (`BatchScheduler`): each step runs one
/// forward pass over every running sequence, prompts prefilled in chunks beside the decoders. The key/value cache is
/// a fixed pool of blocks (`KVBlockPool`) sized once from the configuration, with prompt-prefix sharing, so memory
/// never grows with load: extra requests wait in a bounded queue, and when the queue is full `submit` fails at once
/// with `EngineError.Code.queueFull` and a suggested retry delay. Under greedy decoding (and for a fixed seed) a
/// request produces the same tokens whatever else runs beside it.
///
/// Cancelling the consuming task, terminating the stream, or returning `false` from the callback stops a generation;
/// its blocks are freed before the next step.
public final class InferenceEngine: Sendable {
    public let model: LanguageModel
    public let configuration: EngineConfiguration
    /// The backend's description, e.g. `cpu-avx2 (2 threads)`.
    public let backendName: String
    /// Positions available to one sequence (prompt plus generated tokens).
    public let contextCapacity: Int
    private let transformer: TransformerModel
    private let scheduler: BatchScheduler
    private let thread: ComputeThread

    public init(model: LanguageModel, configuration: EngineConfiguration = EngineConfiguration()) {
        self.model = model
        self.configuration = configuration
        let hp = model.hyperparameters
        let backend = CPUBackend(threads: configuration.threads)
        backendName = backend.name
        let capacity = max(1, min(configuration.contextCapacity ?? min(model.contextLength, 4096), model.contextLength))
        contextCapacity = capacity
        let blockSize = configuration.kvBlockSize
        let blockBytes = KVBlockPool.bytesPerPosition(hp) * blockSize
        let budget = configuration.kvCacheBytes ?? (256 << 20)
        // Always room for one sequence of the full context, so every accepted request can run alone.
        let blockCount = max((capacity + blockSize - 1) / blockSize, budget / max(blockBytes, 1))
        let pool = KVBlockPool(hyperparameters: hp, blockSize: blockSize, blockCount: blockCount)
        transformer = TransformerModel(weights: model.weights, backend: backend, pool: pool)
        let scheduler = BatchScheduler(
            transformer: transformer, pool: pool, configuration: configuration, contextCapacity: capacity)
        self.scheduler = scheduler
        thread = ComputeThread(name: "warden-engine") { scheduler.step() }
    }

    /// Lets running and queued requests finish, then ends the compute thread.
    deinit { thread.stop() }

    /// Queues a generation and returns its stream of tokens and final summary, or throws at once when the request
    /// is invalid (`invalidRequest`, `contextFull`) or the queue is full (`queueFull`, with `retryAfterSeconds`).
    /// A `deadline` that passes ends the request: with `.deadline` if it already produced tokens, else the stream
    /// fails with `deadlineExceeded`. Cancel by cancelling the consuming task or dropping the stream.
    /// Cached prompt prefixes are shared only between requests of the same `prefixCacheScope` (pass e.g. the team or
    /// tenant so one cannot learn from another's timing whether a prompt prefix was seen); nil shares engine-wide.
    public func submit(
        prompt: [Int32], parameters: SamplingParameters, deadline: ContinuousClock.Instant? = nil,
        prefixCacheScope: String? = nil
    ) throws(EngineError) -> AsyncThrowingStream<GenerationEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<GenerationEvent, any Error>.makeStream()
        let cancellation = CancellationFlag()
        let sink = RequestSink(
            token: { token in
                guard !cancellation.isSet else { return false }
                continuation.yield(.token(token))
                return true
            },
            finish: { outcome in
                switch outcome {
                case .success(let summary):
                    continuation.yield(.finished(summary))
                    continuation.finish()
                case .failure(let error):
                    continuation.finish(throwing: error)
                }
            })
        try enqueue(
            prompt: prompt, parameters: parameters, deadline: deadline, sink: sink, cancellation: cancellation,
            prefixCacheScope: prefixCacheScope)
        let thread = self.thread
        continuation.onTermination = { _ in
            cancellation.set()
            thread.wake()
        }
        return stream
    }

    /// Generates from `prompt`, streaming each token and finally the summary; any error (including `queueFull`)
    /// ends the stream. Cancel by cancelling the consuming task.
    public func generate(
        prompt: [Int32], parameters: SamplingParameters, deadline: ContinuousClock.Instant? = nil,
        prefixCacheScope: String? = nil
    ) -> AsyncThrowingStream<GenerationEvent, any Error> {
        do {
            return try submit(prompt: prompt, parameters: parameters, deadline: deadline, prefixCacheScope: prefixCacheScope)
        } catch {
            return AsyncThrowingStream { $0.finish(throwing: error) }
        }
    }

    /// Generates from `prompt`, calling `onToken` (on the compute thread; keep it short) for each token; `onToken`
    /// returns false to stop. Blocks the caller until the generation ends. Never call it from `onToken`.
    public func generate(
        prompt: [Int32], parameters: SamplingParameters, deadline: ContinuousClock.Instant? = nil,
        prefixCacheScope: String? = nil, onToken: @escaping @Sendable (GeneratedToken) -> Bool
    ) throws(EngineError) -> GenerationSummary {
        let done = DispatchSemaphore(value: 0)
        let box = OutcomeBox()
        let sink = RequestSink(
            token: onToken,
            finish: { outcome in
                box.outcome = outcome
                done.signal()
            })
        try enqueue(
            prompt: prompt, parameters: parameters, deadline: deadline, sink: sink, cancellation: CancellationFlag(),
            prefixCacheScope: prefixCacheScope)
        done.wait()
        return try box.outcome!.get()
    }

    /// A snapshot of queue depth, running sequences, cache use and throughput; cheap, from any thread.
    public func metrics() -> EngineMetrics { scheduler.metrics.snapshot(queued: scheduler.queue.count) }

    /// Runs one forward pass over `steps` (contiguous cache slots) on the compute thread, between two scheduler
    /// steps, and returns the logits of the steps that want them. For scoring, tests and the single-stream benchmark.
    public func forward(_ steps: [SequenceStep]) throws(EngineError) -> [[Float]?] {
        let result: Result<[[Float]?], EngineError> = try thread.run { [self] in
            Result { () throws(EngineError) in try self.transformer.forward(steps) }
        }
        return try result.get()
    }

    /// A fresh contiguous cache slot for `forward`, sized by the configuration.
    public func makeCacheSlot() -> KVCacheSlot {
        KVCacheSlot(hyperparameters: model.hyperparameters, capacity: contextCapacity)
    }

    /// Checks the request, then queues it and wakes the compute thread.
    private func enqueue(
        prompt: [Int32], parameters: SamplingParameters, deadline: ContinuousClock.Instant?, sink: RequestSink,
        cancellation: CancellationFlag, prefixCacheScope: String?
    ) throws(EngineError) {
        try parameters.validate()
        guard !prompt.isEmpty else { throw EngineError(.invalidRequest, "the prompt has no tokens") }
        let vocabulary = model.hyperparameters.vocabularySize
        if let bad = prompt.first(where: { $0 < 0 || Int($0) >= vocabulary }) {
            throw EngineError(.invalidRequest, "token id \(bad) is outside the vocabulary of \(vocabulary)")
        }
        guard prompt.count < contextCapacity else {
            throw EngineError(.contextFull, "the prompt has \(prompt.count) tokens; the context holds \(contextCapacity)")
        }
        let request = GenerationRequest(
            prompt: prompt, parameters: parameters, deadline: deadline, sink: sink, cancellation: cancellation,
            prefixCacheScope: prefixCacheScope)
        guard scheduler.queue.enqueue(request) else {
            scheduler.metrics.rejected()
            let retry = scheduler.metrics.retryAfter(
                queued: scheduler.queue.count, parallel: configuration.maxRunningSequences)
            throw EngineError(
                .queueFull, "\(configuration.maxQueuedRequests) requests are already waiting", retryAfterSeconds: retry)
        }
        scheduler.metrics.submitted()
        thread.wake()
    }
}

/// Carries a blocking generation's outcome from the compute thread to the waiting caller.
private final class OutcomeBox: @unchecked Sendable {
    var outcome: Result<GenerationSummary, EngineError>?
}
