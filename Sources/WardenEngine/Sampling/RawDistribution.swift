import Foundation

/// The model's own distribution over the vocabulary (softmax of the raw logits, before penalties, temperature and
/// truncation), as far as OpenAI's `logprobs` needs it: its log-normaliser and its most likely tokens.
///
/// NaN logits count as `-inf` (probability 0) and are never listed. When some logits are `+inf`, those share all the
/// probability equally and every other token gets `-inf`.
struct RawDistribution {
    /// log Σ exp(logit) over the vocabulary, in double precision; `nil` when some logit is `+inf`.
    private let logNormaliser: Double?
    /// How many logits are `+inf` (only used when `logNormaliser` is nil).
    private let infiniteCount: Int
    /// The requested number of most likely tokens, most likely first, lowest id first among equals.
    let top: [TokenLogprob]

    /// Two passes: the maximum (with the top `topCount` tokens when asked), then a log-sum-exp.
    init(_ logits: UnsafeBufferPointer<Float>, topCount: Int) {
        let best = topCount > 0 ? LogitScan.mostLikely(topCount, in: logits) : []
        let maximum = best.first?.logit ?? LogitScan.argmax(logits, in: 0..<logits.count)?.value ?? -.infinity
        if maximum == .infinity {
            var infinite = 0
            for v in logits where v == .infinity { infinite += 1 }
            logNormaliser = nil
            infiniteCount = infinite
        } else if maximum == -.infinity {
            logNormaliser = -.infinity
            infiniteCount = 0
        } else {
            let sum = LogitScan.sumOfExponentials(logits, in: 0..<logits.count, maximum: maximum)
            logNormaliser = Double(maximum) + Foundation.log(sum)
            infiniteCount = 0
        }
        let normaliser = logNormaliser, count = infiniteCount
        top = best.map { TokenLogprob(id: Int32($0.index), logprob: Self.logprob(of: $0.logit, normaliser, count)) }
    }

    /// ln p of a token whose raw logit is `logit`.
    func logprob(ofLogit logit: Float) -> Float { Self.logprob(of: logit, logNormaliser, infiniteCount) }

    private static func logprob(of logit: Float, _ normaliser: Double?, _ infiniteCount: Int) -> Float {
        guard !logit.isNaN else { return -.infinity }
        guard let normaliser else { return logit == .infinity ? -Float(Foundation.log(Double(infiniteCount))) : -.infinity }
        guard normaliser > -.infinity else { return -.infinity }
        return min(0, Float(Double(logit) - normaliser))
    }
}
