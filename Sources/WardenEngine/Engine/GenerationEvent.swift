/// One generated token.
public struct GeneratedToken: Sendable, Equatable {
    public var id: Int32
    /// Its position among the generated tokens (0 for the first).
    public var index: Int
    /// Its log-probability under the sampling distribution, when the request asked for logprobs.
    public var logprob: Float?
    /// The most likely alternatives at this position with their log-probabilities, when asked for (OpenAI's
    /// `top_logprobs`), most likely first.
    public var topLogprobs: [TokenLogprob]

    public init(id: Int32, index: Int, logprob: Float? = nil, topLogprobs: [TokenLogprob] = []) {
        self.id = id
        self.index = index
        self.logprob = logprob
        self.topLogprobs = topLogprobs
    }
}

/// Why a generation ended.
public enum FinishReason: String, Sendable {
    /// A stop token was produced.
    case stop
    /// `maxTokens` was reached, or the context is full.
    case length
    /// The caller cancelled it.
    case cancelled
    /// The request's deadline passed after it had produced tokens (one whose deadline passes before its first token,
    /// waiting or prefilling, fails with `EngineError.Code.deadlineExceeded` instead, as nothing was produced).
    case deadline
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
    /// Prompt tokens whose keys and values came from the prefix cache instead of being computed.
    public var cachedPromptTokens: Int = 0
    /// Seconds from submission to the first generated token (queueing included); 0 when none was generated.
    public var timeToFirstToken: Double = 0
    /// Seconds the request waited before it was first admitted to the running batch.
    public var queueSeconds: Double = 0
    /// Times the request was preempted under memory pressure and later recomputed.
    public var preemptions: Int = 0

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
