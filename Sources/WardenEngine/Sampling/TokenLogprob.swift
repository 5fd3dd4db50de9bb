/// A token and its natural-log probability under the model's raw distribution (OpenAI's `top_logprobs` entries).
public struct TokenLogprob: Sendable, Equatable {
    public var id: Int32
    /// ln p, ≤ 0; `-infinity` for a token the model gives no probability at all (a `-inf` or NaN logit). JSON cannot
    /// carry infinities: the API layer should clamp, as OpenAI does with -9999.
    public var logprob: Float

    public init(id: Int32, logprob: Float) {
        self.id = id
        self.logprob = logprob
    }
}
