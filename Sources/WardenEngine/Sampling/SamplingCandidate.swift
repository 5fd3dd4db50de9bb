/// A token still in the running for the draw: its penalised logit, and its weight exp((logit − max) / temperature),
/// an unnormalised probability in (0, 1].
struct SamplingCandidate: Sendable {
    var id: Int32
    var logit: Float
    var weight: Float

    /// "More likely first, lowest id among equals": the order that top_k and top_p cut in.
    @inline(__always)
    func precedes(_ other: SamplingCandidate) -> Bool {
        logit > other.logit || (logit == other.logit && id < other.id)
    }
}
