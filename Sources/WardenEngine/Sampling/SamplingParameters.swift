/// How to pick each next token, and when to stop.
public struct SamplingParameters: Sendable, Equatable {
    /// Most tokens to generate.
    public var maxTokens: Int
    /// 0 picks the most likely token (greedy); higher values flatten the distribution.
    public var temperature: Float
    /// Keep only the `topK` most likely tokens (0 = all).
    public var topK: Int
    /// Keep the smallest set of most likely tokens whose probabilities reach `topP` (1 = all).
    public var topP: Float
    /// Seed of the random generator; the same seed, prompt and parameters give the same tokens.
    public var seed: UInt64
    /// Token ids that end the generation (not emitted). The model's end-of-turn tokens belong here.
    public var stopTokenIDs: Set<Int32>

    public init(
        maxTokens: Int = 256, temperature: Float = 0, topK: Int = 0, topP: Float = 1, seed: UInt64 = 0,
        stopTokenIDs: Set<Int32> = []
    ) {
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.seed = seed
        self.stopTokenIDs = stopTokenIDs
    }

    /// Checks ranges, so a bad request is refused before any compute.
    func validate() throws(EngineError) {
        guard maxTokens >= 0 else { throw EngineError(.invalidRequest, "maxTokens must not be negative") }
        guard temperature.isFinite, temperature >= 0 else {
            throw EngineError(.invalidRequest, "temperature must be a finite number ≥ 0")
        }
        guard topK >= 0 else { throw EngineError(.invalidRequest, "topK must not be negative") }
        guard topP.isFinite, topP > 0, topP <= 1 else { throw EngineError(.invalidRequest, "topP must be in (0, 1]") }
    }
}
