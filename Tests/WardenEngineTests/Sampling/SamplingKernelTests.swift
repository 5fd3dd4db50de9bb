import Foundation
import Testing
@testable import WardenEngine

/// The vectorised building blocks against plain scalar definitions.
@Suite("Sampling kernels")
struct SamplingKernelTests {
    @Test("the vector exponential is within 3e-7 relative of exp on [-87, 0]")
    func exponentialIsAccurate() {
        var worst = 0.0
        var x: Float = -87
        while x <= 0 {
            let lanes = LogitScan.Lanes((0..<8).map { x + Float($0) * 0.0013 }.map { min($0, 0) })
            let ours = LogitScan.exponential(lanes)
            for lane in 0..<8 {
                let exact = Foundation.exp(Double(lanes[lane]))
                worst = max(worst, abs(Double(ours[lane]) - exact) / exact)
            }
            x += 0.0137
        }
        #expect(worst < 3e-7)
        let extremes = LogitScan.exponential(LogitScan.Lanes(0, -.infinity, .nan, -1000, -88, 0, 0, 0))
        #expect(extremes[0] == 1)
        for lane in 1...4 { #expect(extremes[lane] >= 0 && extremes[lane] < 1e-37) }
    }

    @Test("the sum of exponentials matches a double-precision sum, NaN and -inf counting 0")
    func sumOfExponentials() {
        var logits = ReferenceSampling.gaussianLogits(count: 10_003, sigma: 3, seed: 4)
        logits[17] = .nan
        logits[9000] = -.infinity
        let maximum = logits.filter { !$0.isNaN }.max()!
        let expected = logits.reduce(0.0) { $1.isNaN ? $0 : $0 + Foundation.exp(Double($1 - maximum)) }
        let ours = logits.withUnsafeBufferPointer { LogitScan.sumOfExponentials($0, in: 0..<$0.count, maximum: maximum) }
        #expect(abs(ours - expected) / expected < 1e-6)
        let part = logits.withUnsafeBufferPointer { LogitScan.sumOfExponentials($0, in: 5..<13, maximum: maximum) }
        let partExpected = logits[5..<13].reduce(0.0) { $0 + Foundation.exp(Double($1 - maximum)) }
        #expect(abs(part - partExpected) / partExpected < 1e-6)
    }

    @Test("argmax over any sub-range ignores NaN and returns the lowest index among equals")
    func argmaxOverRanges() {
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<300 {
            let count = Int.random(in: 0...70, using: &rng)
            let logits: [Float] = (0..<count).map { _ in
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: .nan
                case 1: -.infinity
                default: Float(Int.random(in: -3...3, using: &rng))
                }
            }
            let low = Int.random(in: 0...count, using: &rng)
            let high = Int.random(in: low...count, using: &rng)
            var expected: (Int, Float)?
            for i in low..<high where logits[i] > (expected?.1 ?? -.infinity) { expected = (i, logits[i]) }
            let ours = logits.withUnsafeBufferPointer { LogitScan.argmax($0, in: low..<high) }
            #expect(ours?.index == expected?.0 && ours?.value == expected?.1)
        }
    }

    @Test("top_k and top_p selection keep exactly what a full sort keeps")
    func selectionMatchesSorting() {
        var rng = SeededGenerator(seed: 12)
        var checked = 0
        for round in 0..<200 {
            // Up to 60, then thousands, then past the 8192 where top_p first narrows by a histogram of logits.
            let count = Int.random(in: 1...(round < 150 ? 60 : round < 190 ? 5000 : 40_000), using: &rng)
            let candidates = (0..<count).map { i in
                // Ties everywhere: 4001 distinct values in [-5, 5], or 41 in the odd rounds.
                let logit = round % 2 == 0
                    ? Float(Int.random(in: -2000...2000, using: &rng)) / 400 : Float(Int.random(in: -20...20, using: &rng)) / 4
                return SamplingCandidate(id: Int32(i * 3), logit: logit, weight: Float(Foundation.exp(Double(logit) / 2)))
            }.shuffled(using: &rng)
            let sorted = candidates.sorted { $0.precedes($1) }
            let k = Int.random(in: 1...count, using: &rng)
            var selected = candidates
            if k < count { selected.withUnsafeMutableBufferPointer { CandidateSelection.moveFirst(k, of: $0) } }
            #expect(Set(selected.prefix(k).map(\.id)) == Set(sorted.prefix(k).map(\.id)))

            let total = candidates.reduce(0.0) { $0 + Double($1.weight) }
            let mass = Double.random(in: 0.01...1, using: &rng) * total
            var cumulative = 0.0, previous = 0.0
            var expectedCount = count
            for (i, c) in sorted.enumerated() {
                previous = cumulative
                cumulative += Double(c.weight)
                if cumulative >= mass {
                    expectedCount = i + 1
                    break
                }
            }
            var nucleus = candidates
            let n = nucleus.withUnsafeMutableBufferPointer { CandidateSelection.moveNucleus(mass: mass, of: $0) }
            // Summation order differs, so a boundary within rounding of `mass` may move by one; elsewhere exact.
            let nearBoundary = min(abs(cumulative - mass), abs(previous - mass)) < 1e-9 * total
            if !nearBoundary {
                checked += 1
                #expect(n == expectedCount)
                #expect(Set(nucleus.prefix(n).map(\.id)) == Set(sorted.prefix(expectedCount).map(\.id)))
            }
        }
        #expect(checked >= 190)
    }

    @Test("a sorted or reversed candidate list (quickselect's bad cases) is still selected correctly")
    func adversarialOrders() {
        for reversed in [false, true] {
            var candidates = (0..<20_000).map { SamplingCandidate(id: Int32($0), logit: Float($0), weight: 1) }
            if reversed { candidates.reverse() }
            var topK = candidates
            topK.withUnsafeMutableBufferPointer { CandidateSelection.moveFirst(100, of: $0) }
            #expect(Set(topK.prefix(100).map(\.id)) == Set((19_900..<20_000).map { Int32($0) }))
            let n = candidates.withUnsafeMutableBufferPointer { CandidateSelection.moveNucleus(mass: 250, of: $0) }
            #expect(n == 250)
            #expect(Set(candidates.prefix(250).map(\.id)) == Set((19_750..<20_000).map { Int32($0) }))
        }
    }
}
