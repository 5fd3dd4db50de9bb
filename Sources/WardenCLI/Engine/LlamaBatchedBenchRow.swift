/// One row of `llama-batched-bench`: `parallel` sequences, each with its own `promptTokens`-token prompt (no shared
/// prefix), then `generate` tokens each, all sequences decoding together.
struct LlamaBatchedBenchRow: Sendable, Equatable {
    var promptTokens: Int
    var generate: Int
    var parallel: Int
    var threads: Int
    /// Prompt tokens of all sequences per second of prefill.
    var promptTokensPerSecond: Double
    /// Generated tokens of all sequences per second of generation (the aggregate decode throughput).
    var generationTokensPerSecond: Double
    /// Seconds spent in prefill and in generation.
    var promptSeconds: Double
    var generationSeconds: Double
}
