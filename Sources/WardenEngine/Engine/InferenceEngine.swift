import Foundation

/// Runs a loaded model: token ids in, streamed token ids out, on the engine's own compute thread.
///
/// ```swift
/// let model = try LanguageModel.load(path: path)
/// let engine = InferenceEngine(model: model)
/// for try await event in engine.generate(prompt: ids, parameters: SamplingParameters(maxTokens: 64)) {
///     if case .token(let token) = event { print(token.id) }
/// }
/// ```
/// Requests run one at a time in submission order (continuous batching of many sequences is the next step; the
/// forward pass already takes a batch of sequences). Cancelling the consuming task, or returning `false` from the
/// callback, stops a generation after the current step.
public final class InferenceEngine: Sendable {
    public let model: LanguageModel
    public let configuration: EngineConfiguration
    /// The backend's description, e.g. `cpu-avx2 (2 threads)`.
    public let backendName: String
    private let transformer: TransformerModel
    private let slot: KVCacheSlot
    private let thread: ComputeThread

    public init(model: LanguageModel, configuration: EngineConfiguration = EngineConfiguration()) {
        self.model = model
        self.configuration = configuration
        let backend = CPUBackend(threads: configuration.threads)
        backendName = backend.name
        transformer = TransformerModel(weights: model.weights, backend: backend)
        let capacity = configuration.contextCapacity ?? min(model.contextLength, 4096)
        slot = KVCacheSlot(hyperparameters: model.hyperparameters, capacity: max(1, min(capacity, model.contextLength)))
        thread = ComputeThread(name: "warden-engine")
    }

    deinit { thread.stop() }

    /// Positions available to one sequence (prompt plus generated tokens).
    public var contextCapacity: Int { slot.capacity }

    /// Generates from `prompt`, calling `onToken` (on the compute thread) for each token; `onToken` returns false to
    /// stop. Blocks the caller until the generation ends.
    public func generate(
        prompt: [Int32], parameters: SamplingParameters, onToken: @escaping @Sendable (GeneratedToken) -> Bool
    ) throws(EngineError) -> GenerationSummary {
        try parameters.validate()
        let result: Result<GenerationSummary, EngineError> = try thread.run { [self] in
            Result { () throws(EngineError) in try self.runGeneration(prompt: prompt, parameters: parameters, onToken: onToken) }
        }
        return try result.get()
    }

    /// Generates from `prompt`, streaming each token and finally the summary. Cancel by cancelling the consuming task.
    public func generate(prompt: [Int32], parameters: SamplingParameters) -> AsyncThrowingStream<GenerationEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<GenerationEvent, any Error>.makeStream()
        let cancelled = CancellationFlag()
        continuation.onTermination = { _ in cancelled.set() }
        do { try parameters.validate() } catch {
            continuation.finish(throwing: error)
            return stream
        }
        let submitted = thread.submit { [self] in
            do {
                let summary = try self.runGeneration(prompt: prompt, parameters: parameters) { token in
                    guard !cancelled.isSet else { return false }
                    continuation.yield(.token(token))
                    return true
                }
                continuation.yield(.finished(summary))
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        if !submitted { continuation.finish(throwing: EngineError(.shutDown, "the engine has been shut down")) }
        return stream
    }

    /// Runs one forward pass over `steps` on the compute thread and returns the logits of the steps that want them.
    /// For callers that drive sequences themselves (batch scheduling, scoring).
    public func forward(_ steps: [SequenceStep]) throws(EngineError) -> [[Float]?] {
        let result: Result<[[Float]?], EngineError> = try thread.run { [self] in
            Result { () throws(EngineError) in try self.transformer.forward(steps) }
        }
        return try result.get()
    }

    /// A fresh cache slot for `forward`, sized by the configuration.
    public func makeCacheSlot() -> KVCacheSlot {
        KVCacheSlot(hyperparameters: model.hyperparameters, capacity: slot.capacity)
    }

    private func runGeneration(
        prompt: [Int32], parameters: SamplingParameters, onToken: (GeneratedToken) -> Bool
    ) throws(EngineError) -> GenerationSummary {
        guard !prompt.isEmpty else { throw EngineError(.invalidRequest, "the prompt has no tokens") }
        guard prompt.count < slot.capacity else {
            throw EngineError(.contextFull, "the prompt has \(prompt.count) tokens; the context holds \(slot.capacity)")
        }
        slot.reset()
        var sampler = TokenSampler(parameters: parameters)
        let start = DispatchTime.now().uptimeNanoseconds
        var logits: [Float] = []
        var offset = 0
        while offset < prompt.count {
            let end = min(prompt.count, offset + configuration.prefillChunk)
            let isLast = end == prompt.count
            let out = try transformer.forward([SequenceStep(tokens: Array(prompt[offset..<end]), slot: slot, wantsLogits: isLast)])
            if isLast, let l = out[0] { logits = l }
            offset = end
        }
        let promptDone = DispatchTime.now().uptimeNanoseconds
        var summary = GenerationSummary(
            promptTokens: prompt.count, generatedTokens: 0, finishReason: .length,
            promptSeconds: Double(promptDone - start) / 1e9, generationSeconds: 0, stopToken: nil)
        var firstTokenTime = promptDone
        while summary.generatedTokens < parameters.maxTokens {
            let next = sampler.sample(logits)
            if parameters.stopTokenIDs.contains(next) {
                summary.finishReason = .stop
                summary.stopToken = next
                break
            }
            let token = GeneratedToken(id: next, index: summary.generatedTokens)
            summary.generatedTokens += 1
            if summary.generatedTokens == 1 { firstTokenTime = DispatchTime.now().uptimeNanoseconds }
            guard onToken(token) else {
                summary.finishReason = .cancelled
                break
            }
            if summary.generatedTokens == parameters.maxTokens || slot.length >= slot.capacity { break }
            guard let l = try transformer.forward([SequenceStep(tokens: [next], slot: slot)])[0] else { break }
            logits = l
        }
        summary.generationSeconds = Double(DispatchTime.now().uptimeNanoseconds - firstTokenTime) / 1e9
        return summary
    }
}

/// A flag set from any thread when a stream's consumer goes away.
private final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
