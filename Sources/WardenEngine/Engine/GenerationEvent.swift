/// One generated token.
public struct GeneratedToken: Sendable, Equatable {
    public var id: Int32
    /// Its position among the generated tokens (0 for the first).
    public var index: Int
}

/// Why a generation ended.
public enum FinishReason: String, Sendable {
    /// A stop token was produced.
    case stop
    /// `maxTokens` was reached, or the context is full.
    case length
    /// The caller cancelled it.
    case cancelled
}

/// Counts and timings of a finished generation.
public struct GenerationSummary: Sendable {
    public var promptTokens: Int
    public var generatedTokens: Int
    public var finishReason: FinishReason
    /// Seconds spent on the prompt (prefill), and on generating after the first token.
    public var promptSeconds: Double
    public var generationSeconds: Double
    /// The stop token that ended the generation, if any.
    public var stopToken: Int32?

    public var promptTokensPerSecond: Double { promptSeconds > 0 ? Double(promptTokens) / promptSeconds : 0 }
    /// Decoding speed: tokens after the first, over the time after the first.
    public var generationTokensPerSecond: Double {
        generationSeconds > 0 ? Double(max(generatedTokens - 1, 0)) / generationSeconds : 0
    }
}

/// What a streaming generation delivers.
public enum GenerationEvent: Sendable {
    case token(GeneratedToken)
    case finished(GenerationSummary)
}
