/// A validated `POST /v1/completions` body (the legacy text completion API).
public struct CompletionRequest: Sendable {
    public var model: String
    public var prompt: String
    public var stream: Bool
    public var includeUsageInStream: Bool
    public var echo: Bool
    public var sampling: SamplingOptions

    init(json: JSONValue) throws(OpenAIError) {
        let fields = try RequestFields(json)
        model = try fields.requiredString("model")
        switch fields.fields["prompt"] {
        case .string(let text)?:
            prompt = text
        case .array(let items)? where items.count == 1:
            guard case .string(let text) = items[0] else {
                throw RequestFields.typeError("prompt", expected: "a string", got: items[0])
            }
            prompt = text
        case .array?:
            throw .invalidRequest("Only a single prompt per request is supported.", param: "prompt", code: "unsupported_value")
        case .null?, nil:
            throw .invalidRequest("Missing required parameter: 'prompt'.", param: "prompt", code: "missing_required_parameter")
        case let other?:
            throw RequestFields.typeError("prompt", expected: "a string", got: other)
        }
        stream = try fields.bool("stream") ?? false
        includeUsageInStream = false
        if let options = fields.fields["stream_options"], options != .null {
            includeUsageInStream = try RequestFields(options).bool("include_usage") ?? false
        }
        echo = try fields.bool("echo") ?? false
        sampling = try SamplingOptions(fields: fields, maxTokensName: "max_tokens")
        // The legacy API's default length is 16 tokens.
        if sampling.maxTokens == nil { sampling.maxTokens = 16 }
        if let logprobs = try fields.integer("logprobs", in: 0...20) {
            sampling.logprobs = true
            sampling.topLogprobs = logprobs
        }
    }
}
