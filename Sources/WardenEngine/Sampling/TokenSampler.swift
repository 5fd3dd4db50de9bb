import Foundation

/// Picks the next tokens of one request from the model's logits, with that request's `SamplingParameters`.
///
/// Steps, in vLLM's order: presence/frequency penalties on the tokens this sampler has produced → temperature →
/// min_p → top_k → top_p → a draw from the seeded generator. Temperature 0 (or top_k 1) is a plain argmax over the
/// penalised logits (lowest id among equals) and draws nothing.
///
/// Each sampler owns its random generator and its penalty counts, so a request's tokens depend only on its seed, its
/// parameters and the logits it is given, never on what else runs in the batch; keep one sampler per sequence for its
/// whole life (a preempted sequence resumes with the same value).
///
/// Tokens more than 30 temperature-units below the best logit (probability ratio under e^-30 ≈ 1e-13) are dropped
/// before anything else; over a 262 144-token vocabulary their total mass stays under 3e-8 of the best token's.
///
/// Non-numbers: a NaN logit is never chosen (every comparison with it is false) and counts as probability 0 in
/// log-probabilities. `+inf` logits share all the probability. When no logit is above `-inf`, the distribution is
/// empty and the sampler returns the smallest stop token id (ending the generation), or 0 when there is none.
public struct TokenSampler: Sendable {
    public let parameters: SamplingParameters
    private var generator: SamplingRandomGenerator
    private var penalties: GenerationPenalties
    /// Reused between calls so a step allocates nothing in the common case; kept only up to `keptCapacity` entries
    /// (768 KB), so 32 idle samplers hold at most ~25 MB.
    private var scratch: [SamplingCandidate] = []
    private let emptyDistributionToken: Int32
    private static let keptCapacity = 65_536

    public init(parameters: SamplingParameters) {
        self.parameters = parameters
        generator = SamplingRandomGenerator(seed: parameters.seed)
        penalties = GenerationPenalties(presence: parameters.presencePenalty, frequency: parameters.frequencyPenalty)
        emptyDistributionToken = parameters.stopTokenIDs.min() ?? 0
    }

    /// How many times this sampler has produced `id` (counted only when a penalty is set; 0 otherwise).
    public func generatedCount(of id: Int32) -> Int {
        guard let position = penalties.ids.firstIndex(of: id) else { return 0 }
        return Int(penalties.counts[position])
    }

    /// Counts `id` as generated, for the penalties, without sampling it.
    mutating func record(_ id: Int32) { penalties.record(id) }

    /// The index of the largest logit (the lowest index among equals).
    public static func argmax(_ logits: [Float]) -> Int {
        var best = 0
        var bestValue = -Float.infinity
        for (i, v) in logits.enumerated() where v > bestValue {
            best = i
            bestValue = v
        }
        return best
    }

    /// log-softmax of `logits`, computed in double precision.
    public static func logSoftmax(_ logits: [Float]) -> [Double] {
        let maxValue = Double(logits.max() ?? 0)
        var sum = 0.0
        for v in logits { sum += Foundation.exp(Double(v) - maxValue) }
        let logSum = Foundation.log(sum) + maxValue
        return logits.map { Double($0) - logSum }
    }

    /// Picks the next token (see `next(_:)`).
    public mutating func sample(_ logits: [Float]) -> Int32 {
        logits.withUnsafeBufferPointer { next($0).id }
    }

    /// Picks the next token from one position's logits (one per vocabulary entry), records it for the penalties, and
    /// reports the log-probabilities `parameters.logprobs` asks for (from the raw logits, before any step above).
    public mutating func next(_ logits: UnsafeBufferPointer<Float>) -> SampledToken {
        let id = choose(logits)
        penalties.record(id)
        guard let topCount = parameters.logprobs else { return SampledToken(id: id) }
        let raw = RawDistribution(logits, topCount: topCount)
        let logprob = id >= 0 && Int(id) < logits.count ? raw.logprob(ofLogit: logits[Int(id)]) : -Float.infinity
        return SampledToken(id: id, logprob: logprob, topLogprobs: raw.top)
    }

    // MARK: - Choosing

    private mutating func choose(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
        guard let best = penalisedArgmax(logits) else { return emptyDistributionToken }
        if parameters.isGreedy { return Int32(best.index) }
        var bands = CandidateBands(
            logits: logits, penalties: penalties, maximum: best.value, temperature: parameters.temperature,
            floor: drawFloor(maximum: best.value), minimumWeight: parameters.minP, pool: takeScratch())
        let chosen = draw(from: &bands, logits: logits, maximum: best.value)
        if bands.pool.capacity <= Self.keptCapacity { scratch = bands.pool }
        return chosen
    }

    private mutating func takeScratch() -> [SamplingCandidate] {
        var pool = scratch
        scratch = []
        pool.removeAll(keepingCapacity: true)
        return pool
    }

    /// The lowest penalised logit that can be drawn: 30 temperature-units below the best, or the min_p cut (with a
    /// small margin; the exact min_p test is on each weight), and never `-inf` (probability 0).
    private func drawFloor(maximum: Float) -> Float {
        let temperature = parameters.temperature
        var floor = max(maximum - 30 * temperature, -.greatestFiniteMagnitude)
        if parameters.minP > 0 {
            floor = max(floor, maximum + temperature * (Foundation.log(parameters.minP) - 0.01))
        }
        return floor
    }

    /// The largest penalised logit and its lowest index; nil when none is above `-inf`.
    private func penalisedArgmax(_ logits: UnsafeBufferPointer<Float>) -> (index: Int, value: Float)? {
        guard !penalties.ids.isEmpty else { return LogitScan.argmax(logits, in: 0..<logits.count) }
        var best: (index: Int, value: Float)?
        // Visited in ascending index order, so strict `>` keeps the lowest index among equals.
        penalties.visit(
            count: logits.count,
            stretch: { range in
                if let candidate = LogitScan.argmax(logits, in: range), candidate.value > best?.value ?? -.infinity {
                    best = candidate
                }
                return true
            },
            penalised: { index, value in
                if value > best?.value ?? -.infinity { best = (index, value) }
                return true
            },
            logits: logits)
        return best
    }

    /// The normaliser of the distribution after penalties, temperature and min_p: one vectorised pass.
    private func totalWeight(_ logits: UnsafeBufferPointer<Float>, maximum: Float) -> Double {
        let inverse = 1 / parameters.temperature, floor = drawFloor(maximum: maximum), minimum = parameters.minP
        var total = 0.0
        penalties.visit(
            count: logits.count,
            stretch: { range in
                total += LogitScan.sumOfWeights(
                    logits, in: range, maximum: maximum, inverseTemperature: inverse, floor: floor,
                    minimumWeight: minimum)
                return true
            },
            penalised: { _, value in
                total += Double(LogitScan.weight(
                    value, maximum: maximum, inverseTemperature: inverse, floor: floor, minimumWeight: minimum))
                return true
            },
            logits: logits)
        return total
    }

    /// top_k, then top_p, then one draw, gathering bands only as far as each step needs.
    private mutating func draw(
        from bands: inout CandidateBands, logits: UnsafeBufferPointer<Float>, maximum: Float
    ) -> Int32 {
        let topK = parameters.topK
        // How many of `pool`'s first entries are the kept set; nil while it is "every candidate".
        var keptCount: Int?
        var total: Double
        if topK > 0 {
            while bands.pool.count < topK && bands.gatherNextBand() {}
            if bands.pool.count > topK {
                let start = bands.lastBandStart
                bands.pool.withUnsafeMutableBufferPointer {
                    CandidateSelection.moveFirst(topK - start, of: UnsafeMutableBufferPointer(rebasing: $0[start...]))
                }
            }
            keptCount = min(topK, bands.pool.count)
            total = bands.mass(0..<keptCount!)
        } else {
            total = totalWeight(logits, maximum: maximum)
        }
        if parameters.topP < 1 {
            let target = Double(parameters.topP) * total
            var start = 0
            if keptCount == nil {
                var mass = bands.mass(0..<bands.pool.count)
                while mass < target {
                    let gathered = bands.pool.count
                    guard bands.gatherNextBand() else { break }
                    mass += bands.mass(gathered..<bands.pool.count)  // an empty band adds nothing
                }
                start = bands.lastBandStart
            }
            let end = keptCount ?? bands.pool.count
            let before = bands.mass(0..<start)
            let inLast = bands.pool.withUnsafeMutableBufferPointer {
                CandidateSelection.moveNucleus(
                    mass: target - before, of: UnsafeMutableBufferPointer(rebasing: $0[start..<end]))
            }
            keptCount = start + inLast
            total = bands.mass(0..<keptCount!)
        }
        var target = generator.nextUnitFloat() * total
        var scanned = 0
        while true {
            let end = keptCount ?? bands.pool.count
            for i in scanned..<end {
                target -= Double(bands.pool[i].weight)
                if target < 0 { return bands.pool[i].id }
            }
            scanned = end
            // Rounding can leave a sliver of `target`: the last candidate takes it.
            guard keptCount == nil, bands.gatherNextBand() else { break }
        }
        // The pool always holds the best token (weight 1, in the first band), so it is never empty here.
        let last = (keptCount ?? bands.pool.count) - 1
        return last >= 0 ? bands.pool[last].id : emptyDistributionToken
    }
}
