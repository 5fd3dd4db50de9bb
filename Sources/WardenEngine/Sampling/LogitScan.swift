/// The passes over a whole vocabulary of logits that sampling needs, written with 8-wide SIMD because they run once per
/// sequence per step over 262 144 entries (Gemma 3), up to 32 times a step.
///
/// NaN logits are never selected: every comparison with NaN is false, so NaN fails each `>`/`>=` test below.
enum LogitScan {
    typealias Lanes = SIMD8<Float>
    static let width = Lanes.scalarCount

    /// The largest value in `logits[range]` and its lowest index, ignoring NaN; `nil` when no value is above `-inf`
    /// (the range is empty or holds only NaN and `-inf`).
    static func argmax(_ logits: UnsafeBufferPointer<Float>, in range: Range<Int>) -> (index: Int, value: Float)? {
        var bestIndex = -1
        var bestValue = -Float.infinity
        var i = range.lowerBound
        let end = range.upperBound
        if end - i >= width {
            // Per lane: the best value and the first chunk that held it; strict `>` keeps the earliest chunk.
            var laneBest = Lanes(repeating: -.infinity)
            var laneChunk = SIMD8<Int32>(repeating: -1)
            var chunk: Int32 = 0
            let base = i
            while end - i >= width {
                let v = load(logits, at: i)
                let better = v .> laneBest
                laneBest.replace(with: v, where: better)
                laneChunk.replace(with: chunk, where: better)
                chunk += 1
                i += width
            }
            for lane in 0..<width where laneChunk[lane] >= 0 {
                let index = base + Int(laneChunk[lane]) * width + lane
                let value = laneBest[lane]
                if value > bestValue || (value == bestValue && index < bestIndex) {
                    bestValue = value
                    bestIndex = index
                }
            }
        }
        while i < end {
            if logits[i] > bestValue {
                bestValue = logits[i]
                bestIndex = i
            }
            i += 1
        }
        return bestIndex < 0 ? nil : (bestIndex, bestValue)
    }

    /// Calls `body` with the index and value of every entry of `logits[range]` that is ≥ `floor` and, when `ceiling`
    /// is given, < `ceiling` (never NaN), in ascending index order.
    @inline(__always)
    static func forEach(
        in logits: UnsafeBufferPointer<Float>, range: Range<Int>, atLeast floor: Float, below ceiling: Float? = nil,
        _ body: (Int, Float) -> Void
    ) {
        var i = range.lowerBound
        let end = range.upperBound
        let floorLanes = Lanes(repeating: floor)
        if let ceiling {
            let ceilingLanes = Lanes(repeating: ceiling)
            while end - i >= width {
                let v = load(logits, at: i)
                if any((v .>= floorLanes) .& (v .< ceilingLanes)) {
                    for j in i..<(i + width) where logits[j] >= floor && logits[j] < ceiling { body(j, logits[j]) }
                }
                i += width
            }
            while i < end {
                if logits[i] >= floor && logits[i] < ceiling { body(i, logits[i]) }
                i += 1
            }
            return
        }
        while end - i >= width {
            if any(load(logits, at: i) .>= floorLanes) {
                for j in i..<(i + width) where logits[j] >= floor { body(j, logits[j]) }
            }
            i += width
        }
        while i < end {
            if logits[i] >= floor { body(i, logits[i]) }
            i += 1
        }
    }

    /// Σ weight over `logits[range]`, where weight = exp((logit − maximum) · inverseTemperature) (exactly 1 at the
    /// maximum), counting only entries ≥ `floor` whose weight is ≥ `minimumWeight`: the softmax normaliser after
    /// temperature and min_p. Weights are computed exactly as `CandidateWeights` computes them.
    static func sumOfWeights(
        _ logits: UnsafeBufferPointer<Float>, in range: Range<Int>, maximum: Float, inverseTemperature: Float,
        floor: Float, minimumWeight: Float
    ) -> Double {
        var total = 0.0
        var i = range.lowerBound
        let end = range.upperBound
        let top = Lanes(repeating: maximum), inverse = Lanes(repeating: inverseTemperature)
        let floorLanes = Lanes(repeating: floor), minimum = Lanes(repeating: minimumWeight)
        let zero = Lanes(repeating: 0), one = Lanes(repeating: 1)
        while end - i >= width {
            var block = zero
            var steps = 0
            while steps < 8, end - i >= width {
                let v = load(logits, at: i)
                let inRange = v .>= floorLanes
                if any(inRange) {
                    let w = one.replacing(with: exponential((v - top) * inverse), where: v .!= top)
                    block += zero.replacing(with: w, where: inRange .& (w .>= minimum))
                }
                i += width
                steps += 1
            }
            total += Double(block.sum())
        }
        while i < end {
            total += Double(weight(logits[i], maximum: maximum, inverseTemperature: inverseTemperature,
                                   floor: floor, minimumWeight: minimumWeight))
            i += 1
        }
        return total
    }

    /// One entry's term of `sumOfWeights` (0 when it is below `floor` or under `minimumWeight`).
    @inline(__always)
    static func weight(
        _ logit: Float, maximum: Float, inverseTemperature: Float, floor: Float, minimumWeight: Float
    ) -> Float {
        guard logit >= floor else { return 0 }
        guard logit != maximum else { return 1 }
        let w = exponential(Lanes(repeating: (logit - maximum) * inverseTemperature))[0]
        return w >= minimumWeight ? w : 0
    }

    /// The `count` largest entries of `logits`, largest first, lowest index first among equals; NaN never listed
    /// (`-inf` is, when fewer than `count` entries are larger). One pass: after the list fills, a chunk of eight is
    /// looked at one by one only when one of its values beats the smallest listed.
    static func mostLikely(_ count: Int, in logits: UnsafeBufferPointer<Float>) -> [(index: Int, logit: Float)] {
        var best: [(index: Int, logit: Float)] = []
        best.reserveCapacity(count + 1)
        // Scanned in ascending index order, so a later equal value never displaces an earlier one.
        func offer(_ index: Int, _ value: Float) {
            var position = best.count
            while position > 0 && value > best[position - 1].logit { position -= 1 }
            guard position < count else { return }
            best.insert((index, value), at: position)
            if best.count > count { best.removeLast() }
        }
        var i = 0
        let end = logits.count
        while i < end && best.count < count {
            if !logits[i].isNaN { offer(i, logits[i]) }
            i += 1
        }
        guard best.count == count else { return best }
        var threshold = Lanes(repeating: best[count - 1].logit)
        while end - i >= width {
            if any(load(logits, at: i) .> threshold) {
                for j in i..<(i + width) where logits[j] > best[count - 1].logit { offer(j, logits[j]) }
                threshold = Lanes(repeating: best[count - 1].logit)
            }
            i += width
        }
        while i < end {
            if logits[i] > best[count - 1].logit { offer(i, logits[i]) }
            i += 1
        }
        return best
    }

    /// Σ exp(logits[i] − maximum) over `range`, NaN and `-inf` counting as 0; `maximum` must be finite and ≥ every
    /// value. Blocks of eight vectors are summed in Float, then into a Double, so 262 144 terms keep ~1e-7 accuracy.
    static func sumOfExponentials(_ logits: UnsafeBufferPointer<Float>, in range: Range<Int>, maximum: Float) -> Double {
        var total = 0.0
        var i = range.lowerBound
        let end = range.upperBound
        let shift = Lanes(repeating: maximum)
        while end - i >= width {
            var block = Lanes(repeating: 0)
            var steps = 0
            while steps < 8, end - i >= width {
                block += exponential(load(logits, at: i) - shift)
                i += width
                steps += 1
            }
            total += Double(block.sum())
        }
        while i < end {
            let x = logits[i] - maximum
            if x >= -104 { total += Double(exponential(Lanes(repeating: x))[0]) }
            i += 1
        }
        return total
    }

    /// e^x per lane for x ≤ 0, within 2e-7 relative; x below −87 (including `-inf` and NaN) gives about 1e-38,
    /// which is negligible next to the e^0 = 1 of the maximum in every sum this is used for.
    ///
    /// Range reduction x = n·ln2 + r with |r| ≤ ln2/2 (ln 2 split in two parts so n·ln2 is exact), e^r by a degree-5
    /// polynomial with constant term 1, and 2^n built in the exponent bits. The coefficients were fitted for this
    /// project (numpy, iteratively reweighted least squares on the relative error over [−ln2/2, ln2/2]; max error
    /// 9.2e-8, 1.7e-7 once evaluated in Float): two fewer steps than the degree-7 Taylor series of the same accuracy.
    @inline(__always)
    static func exponential(_ x: Lanes) -> Lanes {
        let low = Lanes(repeating: -87)
        let clamped = low.replacing(with: x, where: x .>= low)
        let magic = Lanes(repeating: 12_582_912)  // 1.5 · 2^23: adding it rounds to an integer kept in the low bits
        let shifted = clamped * Lanes(repeating: 1.442_695_04) + magic
        let n = shifted - magic
        var r = clamped - n * Lanes(repeating: 0.693_145_751_953_125)
        r -= n * Lanes(repeating: 1.428_606_765_330_187e-06)
        var p = Lanes(repeating: 8.290_306_008e-03)
        p = p * r + Lanes(repeating: 4.189_792_140e-02)
        p = p * r + Lanes(repeating: 1.666_763_624e-01)
        p = p * r + Lanes(repeating: 4.999_914_959e-01)
        p = p * r + Lanes(repeating: 9.999_997_072e-01)
        p = p * r + Lanes(repeating: 1)
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- SIMD8<Int32>(repeating: 0x4B40_0000)
        let scale = unsafeBitCast((integer &+ SIMD8<Int32>(repeating: 127)) &<< SIMD8<Int32>(repeating: 23), to: Lanes.self)
        return p * scale
    }

    @inline(__always)
    static func load(_ logits: UnsafeBufferPointer<Float>, at i: Int) -> Lanes {
        UnsafeRawPointer(logits.baseAddress! + i).loadUnaligned(as: Lanes.self)
    }
}
