import Foundation
import Testing
@testable import WardenEngine

/// Draw frequencies against the double-precision reference distribution. Seeds are fixed, so results are
/// deterministic; the 5σ tolerance is what keeps a correct implementation passing for any seed choice.
@Suite("Sampling distribution")
struct DistributionTests {
    static func expectMatches(_ logits: [Float], _ parameters: SamplingParameters, draws: Int) {
        let reference = ReferenceSampling.distribution(logits, parameters: parameters)
        let observed = ReferenceSampling.frequencies(logits, parameters: parameters, draws: draws)
        for id in logits.indices {
            let expected = reference[id]
            let sigma = (expected * (1 - expected) / Double(draws)).squareRoot()
            if expected == 0 {
                #expect(observed[id] == 0, "token \(id) is outside the reference support")
            } else {
                #expect(abs(observed[id] - expected) <= 5 * sigma + 0.5 / Double(draws), "token \(id)")
            }
        }
    }

    @Test("temperature alone draws with softmax(logits / T)", arguments: [Float(0.5), 1, 1.7])
    func temperatureOnly(temperature: Float) {
        Self.expectMatches([1, 0.5, -0.3, 2, 1.2, 0, -1, 0.8], SamplingParameters(temperature: temperature), draws: 20_000)
    }

    @Test("top_k, top_p and min_p together draw with the renormalised reference")
    func combinedTruncation() {
        let logits = ReferenceSampling.gaussianLogits(count: 40, sigma: 1.2, seed: 5)
        Self.expectMatches(
            logits, SamplingParameters(temperature: 0.8, topK: 12, topP: 0.9, minP: 0.05), draws: 20_000)
    }

    @Test("a flat vocabulary of 20 000 tokens keeps the reference nucleus exactly")
    func largeFlatNucleus() {
        // σ 0.5 at T 1: every token is a candidate, so the selection runs on thousands of entries.
        let logits = ReferenceSampling.gaussianLogits(count: 20_000, sigma: 0.5, seed: 9)
        for parameters in [
            SamplingParameters(temperature: 1, topP: 0.3), SamplingParameters(temperature: 1, topK: 3000, topP: 0.5),
            SamplingParameters(temperature: 1.3, topK: 777),
        ] {
            let reference = ReferenceSampling.distribution(logits, parameters: parameters)
            let observed = ReferenceSampling.frequencies(logits, parameters: parameters, draws: 3000)
            for id in logits.indices where observed[id] > 0 {
                #expect(reference[id] > 0, "token \(id) drawn but outside the reference nucleus")
            }
            // The kept mass by halves of the reference support (most likely half vs the rest) matches.
            let support = logits.indices.filter { reference[$0] > 0 }.sorted { logits[$0] > logits[$1] }
            let topHalf = support.prefix(support.count / 2)
            let expected = topHalf.reduce(0.0) { $0 + reference[$1] }
            let seen = topHalf.reduce(0.0) { $0 + observed[$1] }
            #expect(abs(seen - expected) < 5 * (expected * (1 - expected) / 3000).squareRoot())
        }
    }

    /// Like a trained model: few tokens near the top, ever more further down (e^{0.6·depth} tokens at each depth),
    /// so the probability mass spreads over several 4-temperature-unit bands and ties are everywhere.
    static func layeredLogits() -> (logits: [Float], depth: [Int]) {
        var values: [Float] = []
        for step in 0...28 {
            let depth = Float(step) / 2
            values += [Float](repeating: -depth, count: Int(exp(0.6 * Double(depth)).rounded()))
        }
        var rng = SeededGenerator(seed: 31)
        values.shuffle(using: &rng)
        return (values, values.map { Int(-$0 * 2) })
    }

    @Test("top_k, top_p and plain draws that reach into lower bands match the reference, level by level")
    func drawsAcrossBands() {
        let (logits, depth) = Self.layeredLogits()
        let draws = 6000
        for parameters in [
            SamplingParameters(temperature: 1), SamplingParameters(temperature: 1, topP: 0.9),
            SamplingParameters(temperature: 1, topP: 0.97, minP: 0.001), SamplingParameters(temperature: 1, topK: 700),
            SamplingParameters(temperature: 0.7, topK: 3000, topP: 0.95),
        ] {
            let reference = ReferenceSampling.distribution(logits, parameters: parameters)
            let observed = ReferenceSampling.frequencies(logits, parameters: parameters, draws: draws)
            var expectedByLevel = [Double](repeating: 0, count: 29), observedByLevel = expectedByLevel
            for id in logits.indices {
                expectedByLevel[depth[id]] += reference[id]
                observedByLevel[depth[id]] += observed[id]
                if observed[id] > 0 { #expect(reference[id] > 0, "token \(id) drawn outside the reference support") }
            }
            for level in 0..<29 {
                let p = expectedByLevel[level]
                let sigma = (p * (1 - p) / Double(draws)).squareRoot()
                #expect(abs(observedByLevel[level] - p) <= 5 * sigma + 0.5 / Double(draws), "level \(level)")
            }
        }
    }

    @Test("top_p and top_k reach past an empty band: a gap in the logits does not end the kept set early")
    func keptSetCrossesAnEmptyBand() {
        // T 1: one token at 0 (weight 1), 100 at −4 (1.83 in all), none between −5 and −7, 3000 at −8 (1.01 in all).
        // top_p 0.9 needs the first two groups (2.83 of 3.84) and about 1850 of the −8 tokens: ~18 % of draws;
        // top_k 1500 keeps 1399 of them, the lowest ids first among these equals.
        var logits = [Float](repeating: -8, count: 3101)
        logits[0] = 0
        for id in 1...100 { logits[id * 31] = -4 }
        for parameters in [SamplingParameters(temperature: 1, topP: 0.9), SamplingParameters(temperature: 1, topK: 1500)] {
            let reference = ReferenceSampling.distribution(logits, parameters: parameters)
            let observed = ReferenceSampling.frequencies(logits, parameters: parameters, draws: 4000)
            let deep = logits.indices.filter { logits[$0] == -8 }
            let expectedDeep = deep.reduce(0.0) { $0 + reference[$1] }
            let observedDeep = deep.reduce(0.0) { $0 + observed[$1] }
            #expect(expectedDeep > 0.1)
            #expect(abs(observedDeep - expectedDeep) < 5 * (expectedDeep * (1 - expectedDeep) / 4000).squareRoot())
            for id in logits.indices where observed[id] > 0 { #expect(reference[id] > 0, "token \(id)") }
        }
    }
}
