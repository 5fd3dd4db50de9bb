/// How an `InferenceEngine` runs a model.
public struct EngineConfiguration: Sendable {
    /// Compute threads in all (nil: one per available core).
    public var threads: Int?
    /// Positions of key/value cache per sequence (nil: the model's context length, capped at 4096). Bounds memory.
    public var contextCapacity: Int?
    /// Prompt tokens processed per forward pass; larger chunks read the weights fewer times but need more scratch.
    public var prefillChunk: Int

    public init(threads: Int? = nil, contextCapacity: Int? = nil, prefillChunk: Int = 512) {
        self.threads = threads
        self.contextCapacity = contextCapacity
        self.prefillChunk = max(1, prefillChunk)
    }
}
