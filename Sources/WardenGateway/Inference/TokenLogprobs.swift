/// One generated token's log-probability and its most likely alternatives, as OpenAI's `logprobs` reports them.
///
/// Text and bytes are both kept because a token can hold part of a UTF-8 character: `token` is then a lossy
/// rendering, and `bytes` lets a client join neighbouring tokens exactly (OpenAI's reason for the field).
struct TokenLogprobs: Sendable, Equatable {
    struct Candidate: Sendable, Equatable {
        var token: String
        var bytes: [UInt8]
        var logprob: Double
    }

    var chosen: Candidate
    /// Most likely first; as many as the request's `top_logprobs` (chat) or `logprobs` (completions).
    var top: [Candidate]

    /// OpenAI reports an impossible token as -9999 rather than -infinity, which JSON cannot carry.
    static func wireValue(_ logprob: Double) -> Double {
        logprob.isFinite ? max(logprob, -9999) : -9999
    }
}
