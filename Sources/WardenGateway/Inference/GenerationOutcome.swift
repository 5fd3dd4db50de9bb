/// What one finished generation produced, for the response body, the usage block and the audit record.
struct GenerationOutcome: Sendable {
    var text: String
    var promptTokens: Int
    var completionTokens: Int
    /// `stop` (end-of-turn token or stop string) or `length` (max_tokens or context full).
    var finishReason: String
    var promptSeconds: Double
    var generationSeconds: Double
    /// Prompt tokens whose key/value blocks came from the prefix cache (OpenAI's `cached_tokens`).
    var cachedPromptTokens = 0
    /// Per generated token, when the request asked for `logprobs`; nil otherwise.
    var logprobs: [TokenLogprobs]?
    /// Seconds from submission (queueing included) to the first generated token.
    var timeToFirstToken: Double = 0
    /// Characters before the first token's text in `text` (the echoed prompt of a completions request).
    var logprobsTextOffset = 0
}
