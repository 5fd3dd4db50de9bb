/// Fills in each candidate's weight exp((logit − max) / T), the unnormalised probability after temperature.
enum CandidateWeights {
    /// `maximum` is the largest candidate logit; candidates equal to it get exactly 1 (also when it is `+inf`, in
    /// which case every other candidate gets the smallest weight, about 1e-38, and only the `+inf` ones are drawn in
    /// practice: they are the only ones at or above the 30·T floor).
    static func assign(to candidates: UnsafeMutableBufferPointer<SamplingCandidate>, maximum: Float, temperature: Float) {
        typealias Lanes = LogitScan.Lanes
        let inverse = Lanes(repeating: 1 / temperature)
        let top = Lanes(repeating: maximum)
        let one = Lanes(repeating: 1)
        var i = 0
        let count = candidates.count
        while i < count {
            let n = min(LogitScan.width, count - i)
            var logits = top
            for lane in 0..<n { logits[lane] = candidates[i + lane].logit }
            // (logit − max) · (1/T); the best token's 0 stays 0 even when 1/T overflows, and gets weight 1 below.
            let weights = one.replacing(with: LogitScan.exponential((logits - top) * inverse), where: logits .!= top)
            for lane in 0..<n { candidates[i + lane].weight = weights[lane] }
            i += n
        }
    }
}
