/// The presence and frequency penalties of one request: which tokens it has generated, how often, and what that
/// subtracts from their logits.
///
/// Generated tokens are kept sorted by id, so a pass over the vocabulary walks the untouched stretches between them
/// at full speed and adjusts only the few penalised entries, without copying the 262 144 logits.
struct GenerationPenalties: Sendable {
    let presence: Float
    let frequency: Float
    /// Ids generated so far, ascending; `penalties[i]` is what is subtracted from the logit of `ids[i]`.
    private(set) var ids: [Int32] = []
    private(set) var counts: [Int32] = []
    private(set) var penalties: [Float] = []

    init(presence: Float, frequency: Float) {
        self.presence = presence
        self.frequency = frequency
    }

    var isActive: Bool { presence != 0 || frequency != 0 }

    /// Counts one more occurrence of `id` (a no-op when both penalties are 0).
    mutating func record(_ id: Int32) {
        guard isActive else { return }
        var low = 0, high = ids.count
        while low < high {
            let mid = (low + high) / 2
            if ids[mid] < id { low = mid + 1 } else { high = mid }
        }
        if low < ids.count && ids[low] == id {
            counts[low] += 1
        } else {
            ids.insert(id, at: low)
            counts.insert(1, at: low)
            penalties.insert(0, at: low)
        }
        penalties[low] = frequency * Float(counts[low]) + presence
    }

    /// Visits the penalised logits in ascending index order: each unpenalised stretch as a range of `logits`, each
    /// penalised token as its index and adjusted value (`logit − frequency·count − presence`). Stops early when a
    /// closure returns false.
    @inline(__always)
    func visit(
        count: Int, stretch: (Range<Int>) -> Bool, penalised: (Int, Float) -> Bool,
        logits: UnsafeBufferPointer<Float>
    ) {
        var start = 0
        for (position, id) in ids.enumerated() {
            let index = Int(id)
            guard index >= 0 && index < count else { continue }
            if start < index, !stretch(start..<index) { return }
            if !penalised(index, logits[index] - penalties[position]) { return }
            start = index + 1
        }
        if start < count { _ = stretch(start..<count) }
    }
}
