/// Partial ordering of candidates for top_k and top_p, without sorting the whole list: with a flat distribution
/// (high temperature) every token of a 262 144-entry vocabulary can be a candidate, and a full sort would cost
/// milliseconds per token.
///
/// Both are quickselect over the order `SamplingCandidate.precedes` (a strict total order, since ids are unique),
/// with median-of-three pivots and a fall-back to sorting when the partitioning goes on too long, so hostile logits
/// cannot make them quadratic. Both are deterministic: the same candidates always give the same arrangement.
enum CandidateSelection {
    /// Rearranges `candidates` so that its first `k` elements are the `k` that come first in order (in no particular
    /// order among themselves). `k` must be in 1..<count.
    static func moveFirst(_ k: Int, of candidates: UnsafeMutableBufferPointer<SamplingCandidate>) {
        var low = 0, high = candidates.count
        var budget = partitionBudget(candidates.count)
        while high - low > 1 {
            if budget == 0 || high - low <= 16 {
                sort(candidates, low..<high)
                return
            }
            budget -= 1
            let pivot = partition(candidates, low..<high)
            if pivot == k || pivot + 1 == k { return }
            if k < pivot { high = pivot } else { low = pivot + 1 }
        }
    }

    /// Rearranges `candidates` and returns `n` such that `candidates[0..<n]` is the shortest prefix, in order, whose
    /// weights add up to at least `mass` (at least one element); the whole list when rounding leaves the total just
    /// short of it; 0 for an empty list.
    static func moveNucleus(mass: Double, of candidates: UnsafeMutableBufferPointer<SamplingCandidate>) -> Int {
        guard !candidates.isEmpty else { return 0 }
        if candidates.count > bucketingThreshold, let split = splitByBuckets(mass: mass, of: candidates) {
            let rest = UnsafeMutableBufferPointer(rebasing: candidates[split.start..<split.end])
            return split.start + moveNucleus(mass: mass - split.massBefore, of: rest)
        }
        var low = 0, high = candidates.count
        var needed = mass
        var budget = partitionBudget(candidates.count)
        while low < high {
            if budget == 0 || high - low <= 16 {
                sort(candidates, low..<high)
                for i in low..<high {
                    needed -= Double(candidates[i].weight)
                    if needed <= 0 { return i + 1 }
                }
                return high
            }
            budget -= 1
            let pivot = partition(candidates, low..<high)
            var before = 0.0
            for i in low..<pivot { before += Double(candidates[i].weight) }
            if before >= needed {
                high = pivot
            } else if before + Double(candidates[pivot].weight) >= needed {
                return pivot + 1
            } else {
                needed -= before + Double(candidates[pivot].weight)
                low = pivot + 1
            }
        }
        return max(low, 1)
    }

    /// Above this many candidates, `moveNucleus` first narrows the search by a histogram of logits: two passes
    /// instead of the several partitions quickselect needs, which matters at high temperature, where a 95 % nucleus
    /// can hold tens of thousands of tokens.
    static let bucketingThreshold = 8192
    private static let bucketCount = 256

    /// Sorts `candidates` into 256 equal-width logit buckets (most likely first) and finds the bucket where the
    /// running mass reaches `mass`; rearranges them as [earlier buckets | that bucket | later buckets] and returns
    /// the bounds of that bucket and the mass before it. Bucket numbers fall as logits rise, so every element of an
    /// earlier bucket precedes every element of a later one, ties included. Nil when the logits do not spread over a
    /// finite positive width (all equal, infinite, or too narrow to scale).
    private static func splitByBuckets(
        mass: Double, of c: UnsafeMutableBufferPointer<SamplingCandidate>
    ) -> (start: Int, end: Int, massBefore: Double)? {
        var highest = -Float.infinity, lowest = Float.infinity
        for candidate in c {
            highest = max(highest, candidate.logit)
            lowest = min(lowest, candidate.logit)
        }
        let width = highest - lowest
        let scale = Float(bucketCount) / width
        // A subnormal width would overflow the scale, and 0 · inf is NaN: no histogram then.
        guard width.isFinite, width > 0, scale.isFinite else { return nil }
        @inline(__always) func bucket(_ logit: Float) -> Int { min(bucketCount - 1, Int((highest - logit) * scale)) }
        var masses = [Double](repeating: 0, count: bucketCount)
        for candidate in c { masses[bucket(candidate.logit)] += Double(candidate.weight) }
        var target = 0, before = 0.0
        while target < bucketCount - 1 && before + masses[target] < mass {
            before += masses[target]
            target += 1
        }
        // Three-way partition by bucket: [< target | == target | > target].
        var less = 0, i = 0, greater = c.count
        while i < greater {
            let b = bucket(c[i].logit)
            if b < target {
                c.swapAt(less, i)
                less += 1
                i += 1
            } else if b > target {
                greater -= 1
                c.swapAt(i, greater)
            } else {
                i += 1
            }
        }
        // A bucket that holds everything would not narrow anything; an empty one (rounding) gives no answer.
        guard greater - less < c.count, greater > less else { return nil }
        return (less, greater, before)
    }

    /// Lomuto partition of `range` around the median of its first, middle and last elements; returns the pivot's
    /// final index, with everything before it in `range` preceding it and everything after following it.
    private static func partition(_ c: UnsafeMutableBufferPointer<SamplingCandidate>, _ range: Range<Int>) -> Int {
        let first = range.lowerBound, last = range.upperBound - 1, middle = (first + last) / 2
        var median = middle
        if c[first].precedes(c[middle]) != c[first].precedes(c[last]) {
            median = first
        } else if c[last].precedes(c[first]) != c[last].precedes(c[middle]) {
            median = last
        }
        c.swapAt(median, last)
        let pivot = c[last]
        var store = first
        for i in first..<last where c[i].precedes(pivot) {
            c.swapAt(i, store)
            store += 1
        }
        c.swapAt(store, last)
        return store
    }

    private static func sort(_ c: UnsafeMutableBufferPointer<SamplingCandidate>, _ range: Range<Int>) {
        c[range].sort { $0.precedes($1) }
    }

    /// About 4·log2(n) rounds: expected quickselect needs ~log2(n), so only adversarial input reaches the sort.
    private static func partitionBudget(_ count: Int) -> Int { 4 * (Int.bitWidth - count.leadingZeroBitCount) + 8 }
}
