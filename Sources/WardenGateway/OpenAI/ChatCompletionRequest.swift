/// A validated `POST /v1/chat/completions` body. Unknown fields are ignored, as OpenAI does.
public struct ChatCompletionRequest: Sendable {
    public struct Message: Sendable, Equatable {
        public var role: String
        public var content: String
    }

    public static let roles: Set<String> = ["system", "developer", "user", "assistant", "tool"]

    public var model: String
    public var messages: [Message]
    public var stream: Bool
    public var includeUsageInStream: Bool
    public var sampling: SamplingOptions

    init(json: JSONValue) throws(OpenAIError) {
        let fields = try RequestFields(json)
        model = try fields.requiredString("model")
        guard let rawMessages = fields.fields["messages"], rawMessages != .null else {
            throw .invalidRequest(
                "Missing required parameter: 'messages'.", param: "messages", code: "missing_required_parameter")
        }
        guard case .array(let items) = rawMessages else {
            throw RequestFields.typeError("messages", expected: "an array", got: rawMessages)
        }
        guard !items.isEmpty else {
            throw .invalidRequest(
                "Invalid 'messages': empty array. Expected an array with minimum length 1.", param: "messages",
                code: "empty_array")
        }
        messages = []
        for (index, item) in items.enumerated() {
            messages.append(try Self.message(item, index: index))
        }
        stream = try fields.bool("stream") ?? false
        includeUsageInStream = false
        if let options = fields.fields["stream_options"], options != .null {
            let optionFields = try RequestFields(options)
            includeUsageInStream = try optionFields.bool("include_usage") ?? false
        }
        sampling = try SamplingOptions(fields: fields, maxTokensName: "max_completion_tokens")
        sampling.logprobs = try fields.bool("logprobs") ?? false
        sampling.topLogprobs = try fields.integer("top_logprobs", in: 0...20) ?? 0
    }

    static func message(_ value: JSONValue, index: Int) throws(OpenAIError) -> Message {
        let param = "messages[\(index)]"
        guard case .object(let fields) = value else {
            throw RequestFields.typeError(param, expected: "an object", got: value)
        }
        guard case .string(let role)? = fields["role"] else {
            throw .invalidRequest(
                "Missing required parameter: '\(param).role'.", param: "\(param).role", code: "missing_required_parameter")
        }
        guard roles.contains(role) else {
            throw .invalidRequest(
                "Invalid value: '\(role)'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.",
                param: "\(param).role", code: "invalid_value")
        }
        switch fields["content"] {
        case .string(let text)?:
            return Message(role: role, content: text)
        case .array(let parts)?:
            // Content parts: only text can be served by a text model.
            var text = ""
            for (partIndex, part) in parts.enumerated() {
                guard case .object(let partFields) = part, case .string("text")? = partFields["type"],
                    case .string(let partText)? = partFields["text"]
                else {
                    throw .invalidRequest(
                        "Invalid content part: only parts of type 'text' are supported.",
                        param: "\(param).content[\(partIndex)]", code: "invalid_value")
                }
                text += partText
            }
            return Message(role: role, content: text)
        case .null?, nil:
            if role == "assistant" { return Message(role: role, content: "") }
            throw .invalidRequest(
                "Missing required parameter: '\(param).content'.", param: "\(param).content",
                code: "missing_required_parameter")
        case let other?:
            throw RequestFields.typeError("\(param).content", expected: "a string or an array of content parts", got: other)
        }
    }
}
