/// What one finished generation produced, for the response body, the usage block and the audit record.
struct GenerationOutcome: Sendable {
    var text: String
    var promptTokens: Int
    var completionTokens: Int
    /// `stop` (end-of-turn token or stop string) or `length` (max_tokens or context full).
    var finishReason: String
    var promptSeconds: Double
    var generationSeconds: Double
}
