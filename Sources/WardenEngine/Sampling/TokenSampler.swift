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
    /// Reused between calls so a step allocates nothing in the common case; never larger than `keptCapacity`.
    private var scratch: [SamplingCandidate] = []
    private let emptyDistributionToken: Int32
    private static let keptCapacity = 16_384

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
        let logprob = Int(id) < logits.count ? raw.logprob(ofLogit: logits[Int(id)]) : -Float.infinity
        return SampledToken(id: id, logprob: logprob, topLogprobs: raw.top)
    }

    // MARK: - Choosing

    private mutating func choose(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
        guard let best = penalisedArgmax(logits) else { return emptyDistributionToken }
        if parameters.isGreedy { return Int32(best.index) }
        var pool = scratch
        scratch = []
        pool.removeAll(keepingCapacity: true)
        collectCandidates(logits, maximum: best.value, into: &pool)
        let chosen = pool.withUnsafeMutableBufferPointer { draw(from: $0, maximum: best.value) }
        if pool.capacity <= Self.keptCapacity { scratch = pool }
        return chosen
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

    /// Appends every token within reach of the draw: penalised logit ≥ max − 30·T, and above the min_p cut (with a
    /// small margin here; `draw` applies min_p exactly on the weights).
    private func collectCandidates(
        _ logits: UnsafeBufferPointer<Float>, maximum: Float, into pool: inout [SamplingCandidate]
    ) {
        let temperature = parameters.temperature
        // Never below the lowest finite value, so a `-inf` logit (probability 0) never becomes a candidate.
        var floor = max(maximum - 30 * temperature, -.greatestFiniteMagnitude)
        if parameters.minP > 0 {
            floor = max(floor, maximum + temperature * (Foundation.log(parameters.minP) - 0.01))
        }
        penalties.visit(
            count: logits.count,
            stretch: { range in
                LogitScan.forEach(in: logits, range: range, atLeast: floor) { index, value in
                    pool.append(SamplingCandidate(id: Int32(index), logit: value, weight: 0))
                }
                return true
            },
            penalised: { index, value in
                if value >= floor { pool.append(SamplingCandidate(id: Int32(index), logit: value, weight: 0)) }
                return true
            },
            logits: logits)
    }

    /// Weights, then min_p, top_k and top_p cuts, then one draw.
    private mutating func draw(from all: UnsafeMutableBufferPointer<SamplingCandidate>, maximum: Float) -> Int32 {
        CandidateWeights.assign(to: all, maximum: maximum, temperature: parameters.temperature)
        var count = all.count
        if parameters.minP > 0 {
            // Keep p ≥ minP · p_max, i.e. weight ≥ minP (the best token's weight is exactly 1, so it always stays).
            var kept = 0
            for i in 0..<count where all[i].weight >= parameters.minP {
                all[kept] = all[i]
                kept += 1
            }
            count = kept
        }
        var candidates = UnsafeMutableBufferPointer(rebasing: all[0..<count])
        if parameters.topK > 0 && parameters.topK < count {
            CandidateSelection.moveFirst(parameters.topK, of: candidates)
            count = parameters.topK
            candidates = UnsafeMutableBufferPointer(rebasing: all[0..<count])
        }
        if parameters.topP < 1 {
            var total = 0.0
            for candidate in candidates { total += Double(candidate.weight) }
            count = CandidateSelection.moveNucleus(mass: Double(parameters.topP) * total, of: candidates)
        }
        var kept = 0.0
        for i in 0..<count { kept += Double(all[i].weight) }
        var target = generator.nextUnitFloat() * kept
        for i in 0..<count {
            target -= Double(all[i].weight)
            if target < 0 { return all[i].id }
        }
        return all[count - 1].id
    }
}
