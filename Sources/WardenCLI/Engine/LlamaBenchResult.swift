/// One `llama-bench` measurement: a prompt-processing (`ppN`) or generation (`tgN`) test at one thread count.
struct LlamaBenchResult: Sendable, Equatable {
    /// "pp512" or "tg128".
    var test: String
    var threads: Int
    /// Mean tokens per second over llama-bench's repetitions, and their standard deviation.
    var tokensPerSecond: Double
    var standardDeviation: Double
}
