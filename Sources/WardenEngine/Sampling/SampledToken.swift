/// One sampled token, with the log-probabilities the request asked for.
public struct SampledToken: Sendable, Equatable {
    public var id: Int32
    /// ln p of `id` under the model's raw distribution (before penalties, temperature and truncation); `nil` when the
    /// request asked for no log-probabilities.
    public var logprob: Float?
    /// The `SamplingParameters.logprobs` most likely tokens under the raw distribution, most likely first (lowest id
    /// first among equals); empty when none were asked for. May or may not contain `id`.
    public var topLogprobs: [TokenLogprob]

    public init(id: Int32, logprob: Float? = nil, topLogprobs: [TokenLogprob] = []) {
        self.id = id
        self.logprob = logprob
        self.topLogprobs = topLogprobs
    }
}
