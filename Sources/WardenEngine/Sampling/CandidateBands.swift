/// The tokens within reach of a draw, gathered most likely first, one band of logits at a time.
///
/// A trained model's logits put a few hundred tokens near the top and most of a 262 144-token vocabulary within 30
/// temperature-units below (measured on Gemma 3 270M at T 1: ~240 000 candidates, a 95 % nucleus of 12–315 tokens).
/// So instead of collecting and ordering every candidate, bands `[max − c·T, previous edge)` for growing `c` are
/// gathered only until top_k, top_p or the draw itself has what it needs; usually the first band or two suffice.
/// Every element of a band comes before every element of the next in the order "more likely first", so ordering
/// work is confined to the last band gathered.
struct CandidateBands {
    /// Band edges in temperature units below the maximum; the last band always ends at the floor. Narrower bands
    /// mean more passes when a draw reaches deep but less ordering work in the band where top_p cuts; these edges
    /// measured best on real Gemma 3 logits at T 0.8-1.5 (a 95 % nucleus at T 1.5 reaches several units down).
    private static let edgeUnits: [Float] = [3, 5, 7, 9, 11, 13, 16, 20, 25]

    private let logits: UnsafeBufferPointer<Float>
    private let penalties: GenerationPenalties
    private let maximum: Float
    private let temperature: Float
    private let minimumWeight: Float
    /// Lower edges still to gather, most likely band first; the last is the floor.
    private var lowerEdges: [Float]
    private var nextEdge = 0
    /// The exclusive upper edge of the next band (none for the first, which holds the maximum).
    private var ceiling: Float?
    /// Gathered candidates, band after band, with their weights; min_p already applied.
    var pool: [SamplingCandidate]
    /// Where the last band that gathered anything starts in `pool`.
    private(set) var lastBandStart = 0

    /// `floor` is the lowest logit that can still be drawn (30 temperature-units, or the min_p cut, below `maximum`);
    /// `minimumWeight` is min_p (0 = off), applied exactly to each candidate's weight.
    init(
        logits: UnsafeBufferPointer<Float>, penalties: GenerationPenalties, maximum: Float, temperature: Float,
        floor: Float, minimumWeight: Float, pool: [SamplingCandidate]
    ) {
        self.logits = logits
        self.penalties = penalties
        self.maximum = maximum
        self.temperature = temperature
        self.minimumWeight = minimumWeight
        self.pool = pool
        // `max − c·T` is +inf when the maximum is, and -inf for a huge T: such edges fall away, leaving the floor.
        lowerEdges = Self.edgeUnits.map { maximum - $0 * temperature }.filter { $0 > floor && $0 < maximum } + [floor]
    }

    var isExhausted: Bool { nextEdge == lowerEdges.count }

    /// Appends the next band's candidates to `pool` (possibly none); false when every band has been gathered.
    mutating func gatherNextBand() -> Bool {
        guard nextEdge < lowerEdges.count else { return false }
        let lower = lowerEdges[nextEdge]
        let upper = ceiling
        nextEdge += 1
        ceiling = lower
        var gathered = pool
        pool = []
        let start = gathered.count
        let logits = logits, penalties = penalties
        penalties.visit(
            count: logits.count,
            stretch: { range in
                LogitScan.forEach(in: logits, range: range, atLeast: lower, below: upper) { index, value in
                    gathered.append(SamplingCandidate(id: Int32(index), logit: value, weight: 0))
                }
                return true
            },
            penalised: { index, value in
                if value >= lower && (upper.map { value < $0 } ?? true) {
                    gathered.append(SamplingCandidate(id: Int32(index), logit: value, weight: 0))
                }
                return true
            },
            logits: logits)
        let maximum = maximum, temperature = temperature, minimumWeight = minimumWeight
        let kept = gathered.withUnsafeMutableBufferPointer { all in
            let band = UnsafeMutableBufferPointer(rebasing: all[start...])
            CandidateWeights.assign(to: band, maximum: maximum, temperature: temperature)
            guard minimumWeight > 0 else { return band.count }
            // min_p: keep p ≥ minP · p_max, i.e. weight ≥ minP (the best token's weight is exactly 1).
            var kept = 0
            for i in band.indices where band[i].weight >= minimumWeight {
                band[kept] = band[i]
                kept += 1
            }
            return kept
        }
        gathered.removeSubrange((start + kept)...)
        pool = gathered
        if kept > 0 { lastBandStart = start }
        return true
    }

    /// Σ weight of `pool[range]`, in double precision.
    func mass(_ range: Range<Int>) -> Double {
        var total = 0.0
        for i in range { total += Double(pool[i].weight) }
        return total
    }
}
