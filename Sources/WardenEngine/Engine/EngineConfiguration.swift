/// How an `InferenceEngine` runs a model and shares it between requests.
public struct EngineConfiguration: Sendable {
    /// Compute threads in all (nil: one per available core).
    public var threads: Int?
    /// Positions one sequence may use, prompt plus generated tokens (nil: the model's context length, capped at
    /// 4096).
    public var contextCapacity: Int?
    /// Most prompt tokens processed for one sequence in one step; the step's `maxBatchTokens` bounds it too.
    public var prefillChunk: Int
    /// Bytes of key/value cache, allocated once as fixed-size blocks (nil: 256 MiB, raised to hold at least
    /// `maxRunningSequences` sequences of 256 positions and one sequence of the full `contextCapacity`). Bounds the
    /// engine's memory: sequences that do not fit wait, or are preempted and recomputed later.
    public var kvCacheBytes: Int?
    /// Positions per cache block (and the granularity of prompt-prefix sharing).
    public var kvBlockSize: Int
    /// Requests that may wait beyond the free places of the running batch; past that `submit` fails at once with
    /// `EngineError.Code.queueFull` (0: never wait, only fill free places).
    public var maxQueuedRequests: Int
    /// Sequences computed together in one step.
    public var maxRunningSequences: Int
    /// Tokens (decoding sequences' one each, plus prompt chunks) in one step's forward pass.
    public var maxBatchTokens: Int
    /// Whether full blocks of prompt tokens are kept and shared between requests with the same prefix.
    public var prefixCaching: Bool

    public init(
        threads: Int? = nil, contextCapacity: Int? = nil, prefillChunk: Int = 512, kvCacheBytes: Int? = nil,
        kvBlockSize: Int = 16, maxQueuedRequests: Int = 256, maxRunningSequences: Int = 32, maxBatchTokens: Int = 512,
        prefixCaching: Bool = true
    ) {
        self.threads = threads
        self.contextCapacity = contextCapacity
        self.prefillChunk = max(1, prefillChunk)
        self.kvCacheBytes = kvCacheBytes
        self.kvBlockSize = max(1, min(kvBlockSize, 4096))
        self.maxQueuedRequests = max(0, maxQueuedRequests)
        self.maxRunningSequences = max(1, maxRunningSequences)
        self.maxBatchTokens = max(1, maxBatchTokens)
        self.prefixCaching = prefixCaching
    }
}
