/// A sampled next token with the log-probabilities the request asked for.
struct SampledChoice {
    var token: SampledToken
    var id: Int32 { token.id }

    /// The token as streamed to the caller, at `index` among the generated tokens.
    func generatedToken(index: Int) -> GeneratedToken {
        GeneratedToken(id: token.id, index: index, logprob: token.logprob, topLogprobs: token.topLogprobs)
    }
}

extension BatchScheduler {
    /// Samples one sequence's next token from its logits (valid only during the call) with its own sampler, which
    /// remembers the token for its penalties.
    static func sample(_ sampler: inout TokenSampler, _ logits: UnsafeBufferPointer<Float>) -> SampledChoice {
        SampledChoice(token: sampler.next(logits))
    }
}
