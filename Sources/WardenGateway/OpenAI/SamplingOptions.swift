/// The sampling and length options shared by chat and text completions, validated.
public struct SamplingOptions: Sendable, Equatable {
    /// Upper bound on generated tokens; nil means "until the context is full".
    public var maxTokens: Int?
    public var temperature: Double = 1
    public var topP: Double = 1
    public var topK: Int?
    public var minP: Double = 0
    public var presencePenalty: Double = 0
    public var frequencyPenalty: Double = 0
    public var seed: Int?
    public var stop: [String] = []
    public var logprobs = false
    public var topLogprobs = 0

    /// The largest `max_tokens` accepted at all; the engine's context length lowers it further.
    static let maxTokensLimit = 1 << 20

    init(fields: RequestFields, maxTokensName: String) throws(OpenAIError) {
        maxTokens = try fields.integer(maxTokensName, in: 1...Self.maxTokensLimit)
        if maxTokensName != "max_tokens", maxTokens == nil {
            maxTokens = try fields.integer("max_tokens", in: 1...Self.maxTokensLimit)
        }
        temperature = try fields.number("temperature", in: 0...2) ?? 1
        topP = try fields.number("top_p", in: 0...1) ?? 1
        topK = try fields.integer("top_k", in: 0...1_000_000)
        minP = try fields.number("min_p", in: 0...1) ?? 0
        presencePenalty = try fields.number("presence_penalty", in: -2...2) ?? 0
        frequencyPenalty = try fields.number("frequency_penalty", in: -2...2) ?? 0
        seed = try fields.integer("seed", in: Int(Int64.min / 2)...Int(Int64.max / 2))
        stop = try fields.stopSequences()
        if let n = try fields.integer("n", in: 1...128), n != 1 {
            throw .invalidRequest("Only n=1 is supported.", param: "n", code: "unsupported_value")
        }
    }
}
