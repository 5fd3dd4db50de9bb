/// How to pick each next token, and when to stop: the per-request settings of an OpenAI/vLLM-style request.
///
/// A `TokenSampler` applies them in vLLM's order: penalties → temperature → min_p → top_k → top_p, then a seeded draw.
/// min_p and top_k both keep the most likely token and judge each other token against it, so they commute; top_p comes
/// last and measures its mass over what the other two kept, renormalised. Log-probabilities are reported from the
/// model's raw distribution, before any of these steps (see `logprobs`).
public struct SamplingParameters: Sendable, Equatable {
    /// The most log-probability alternatives a request may ask for (OpenAI's limit for `top_logprobs`).
    public static let maxTopLogprobs = 20
    /// The range OpenAI allows for `presence_penalty` and `frequency_penalty`.
    public static let penaltyRange: ClosedRange<Float> = -2...2

    /// Most tokens to generate.
    public var maxTokens: Int
    /// 0 picks the most likely token (greedy); higher values flatten the distribution.
    public var temperature: Float
    /// Keep only the `topK` most likely tokens (0 = all; 1 = greedy).
    public var topK: Int
    /// Keep the smallest set of most likely tokens whose probabilities reach `topP` (1 = all).
    public var topP: Float
    /// Seed of the random generator; the same seed, prompt and parameters give the same tokens.
    public var seed: UInt64
    /// Token ids that end the generation (not emitted). The model's end-of-turn tokens belong here.
    public var stopTokenIDs: Set<Int32>
    /// Drop tokens whose probability (after penalties and temperature) is below `minP` times that of the most likely
    /// token (0 = off, in 0...1).
    public var minP: Float
    /// Subtracted once from the logit of every token already generated in this request (OpenAI semantics, −2…2;
    /// negative values encourage repetition). The prompt's tokens are not counted, as in vLLM and OpenAI.
    public var presencePenalty: Float
    /// Subtracted from the logit of every token already generated in this request, once per time it was generated
    /// (OpenAI semantics, −2…2). The prompt's tokens are not counted.
    public var frequencyPenalty: Float
    /// Log-probabilities to report with each token: `nil` reports none; `n` in 0...20 reports the chosen token's
    /// log-probability and the `n` most likely tokens' (OpenAI's `logprobs: true, top_logprobs: n`). They come from the
    /// model's raw distribution, before penalties, temperature and truncation, as vLLM reports them.
    public var logprobs: Int?

    public init(
        maxTokens: Int = 256, temperature: Float = 0, topK: Int = 0, topP: Float = 1, seed: UInt64 = 0,
        stopTokenIDs: Set<Int32> = [], minP: Float = 0, presencePenalty: Float = 0, frequencyPenalty: Float = 0,
        logprobs: Int? = nil
    ) {
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.seed = seed
        self.stopTokenIDs = stopTokenIDs
        self.minP = minP
        self.presencePenalty = presencePenalty
        self.frequencyPenalty = frequencyPenalty
        self.logprobs = logprobs
    }

    /// True when the sampler picks the most likely (penalised) token without drawing: temperature 0 or top_k 1.
    public var isGreedy: Bool { temperature == 0 || topK == 1 }

    /// True when generated tokens change later logits, so the sampler must remember them.
    public var hasPenalties: Bool { presencePenalty != 0 || frequencyPenalty != 0 }

    /// Checks every range, so a bad request is refused before any compute.
    public func validate() throws(EngineError) {
        guard maxTokens >= 0 else { throw EngineError(.invalidRequest, "maxTokens must not be negative") }
        guard temperature.isFinite, temperature >= 0 else {
            throw EngineError(.invalidRequest, "temperature must be a finite number ≥ 0")
        }
        guard topK >= 0 else { throw EngineError(.invalidRequest, "topK must not be negative") }
        guard topP.isFinite, topP > 0, topP <= 1 else { throw EngineError(.invalidRequest, "topP must be in (0, 1]") }
        guard minP.isFinite, minP >= 0, minP <= 1 else { throw EngineError(.invalidRequest, "minP must be in [0, 1]") }
        guard presencePenalty.isFinite, Self.penaltyRange.contains(presencePenalty) else {
            throw EngineError(.invalidRequest, "presencePenalty must be in [-2, 2]")
        }
        guard frequencyPenalty.isFinite, Self.penaltyRange.contains(frequencyPenalty) else {
            throw EngineError(.invalidRequest, "frequencyPenalty must be in [-2, 2]")
        }
        if let logprobs, !(0...Self.maxTopLogprobs).contains(logprobs) {
            throw EngineError(.invalidRequest, "logprobs must be in 0...\(Self.maxTopLogprobs)")
        }
    }
}
