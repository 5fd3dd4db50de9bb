/// `parallel` concurrent streaming completions against `llama-server --parallel N`, measured from the client's side.
struct LlamaServerStreamsResult: Sendable, Equatable {
    var parallel: Int
    var promptTokens: Int
    var threads: Int
    /// Tokens each stream generated, as the server reported in its final event.
    var generatedPerStream: [Int]
    /// Seconds from sending each request to its first generated token.
    var timeToFirstToken: [Double]
    /// Seconds from sending the first request to the end of the last stream.
    var wallSeconds: Double

    /// All streams' generated tokens ÷ wall time.
    var aggregateTokensPerSecond: Double {
        wallSeconds > 0 ? Double(generatedPerStream.reduce(0, +)) / wallSeconds : 0
    }
    var meanTimeToFirstToken: Double {
        timeToFirstToken.isEmpty ? 0 : timeToFirstToken.reduce(0, +) / Double(timeToFirstToken.count)
    }
    var maxTimeToFirstToken: Double { timeToFirstToken.max() ?? 0 }
}
