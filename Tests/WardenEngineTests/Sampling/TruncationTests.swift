import Foundation
import Testing
@testable import WardenEngine

/// min_p, top_k and top_p on small hand-made vectors whose probabilities are known in closed form.
@Suite("Truncation: min_p, top_k, top_p")
struct TruncationTests {
    /// Logits ln(p) for chosen probabilities, so at temperature 1 the softmax gives back p exactly.
    static func logits(_ probabilities: [Double]) -> [Float] { probabilities.map { Float(log($0)) } }

    /// The ids that come out over many seeded single draws.
    static func support(_ logits: [Float], _ parameters: SamplingParameters, draws: Int = 3000) -> Set<Int32> {
        var seen: Set<Int32> = []
        for seed in 0..<draws {
            var p = parameters
            p.seed = UInt64(seed)
            var sampler = TokenSampler(parameters: p)
            seen.insert(sampler.sample(logits))
        }
        return seen
    }

    @Test("min_p keeps exactly the tokens with p ≥ min_p × p_max")
    func minPDropsTokensBelowTheCut() {
        // p_max = 0.4; min_p 0.3 → cut at 0.12: keeps 0.4, 0.25, 0.13, drops 0.11, 0.06, 0.05.
        let l = Self.logits([0.11, 0.4, 0.06, 0.25, 0.05, 0.13])
        #expect(Self.support(l, SamplingParameters(temperature: 1, minP: 0.3)) == [1, 3, 5])
        // min_p 1 keeps only the most likely token.
        #expect(Self.support(l, SamplingParameters(temperature: 1, minP: 1), draws: 200) == [1])
        // Temperature changes p before the cut: at T 2 the ratios are square-rooted, √(0.06/0.4) ≈ 0.39 ≥ 0.3.
        #expect(Self.support(l, SamplingParameters(temperature: 2, minP: 0.3)) == [0, 1, 2, 3, 4, 5])
    }

    @Test("top_k keeps the k most likely tokens, the lowest ids among equals at the boundary")
    func topKBoundaryAndTies() {
        let l: [Float] = [1, 3, 2, 2, 0, 2]
        #expect(Self.support(l, SamplingParameters(temperature: 1, topK: 2)) == [1, 2])
        #expect(Self.support(l, SamplingParameters(temperature: 1, topK: 3)) == [1, 2, 3])
        #expect(Self.support(l, SamplingParameters(temperature: 1, topK: 4)) == [1, 2, 3, 5])
        #expect(Self.support(l, SamplingParameters(temperature: 1, topK: 6)) == [0, 1, 2, 3, 4, 5])
        #expect(Self.support(l, SamplingParameters(temperature: 1, topK: 100)) == [0, 1, 2, 3, 4, 5])
    }

    @Test("top_p keeps the shortest most-likely prefix whose mass reaches p")
    func topPBoundaries() {
        let l = Self.logits([0.2, 0.5, 0.3])  // in order: 1 (0.5), 2 (0.3), 0 (0.2)
        #expect(Self.support(l, SamplingParameters(temperature: 1, topP: 0.49)) == [1])
        #expect(Self.support(l, SamplingParameters(temperature: 1, topP: 0.51)) == [1, 2])
        #expect(Self.support(l, SamplingParameters(temperature: 1, topP: 0.79)) == [1, 2])
        #expect(Self.support(l, SamplingParameters(temperature: 1, topP: 0.81)) == [0, 1, 2])
    }

    @Test("top_p cuts ties by id: of equally likely tokens the lower ids are kept")
    func topPTies() {
        let l: [Float] = [0, 0, 0, 0]  // four tokens of 0.25
        #expect(Self.support(l, SamplingParameters(temperature: 1, topP: 0.3)) == [0, 1])
        #expect(Self.support(l, SamplingParameters(temperature: 1, topP: 0.7)) == [0, 1, 2])
    }

    @Test("min_p, then top_k, then top_p over what is left, renormalised")
    func stepsComposeInOrder() {
        // p: 0.35, 0.3, 0.2, 0.1, 0.05. min_p 0.2 → cut 0.07 drops id 4. top_k 3 keeps ids 0, 1, 2 (mass 0.85).
        // top_p 0.7 over the renormalised 0.41, 0.35, 0.24: 0.41 + 0.35 = 0.76 ≥ 0.7 → ids 0 and 1.
        let l = Self.logits([0.35, 0.3, 0.2, 0.1, 0.05])
        let p = SamplingParameters(temperature: 1, topK: 3, topP: 0.7, minP: 0.2)
        #expect(Self.support(l, p) == [0, 1])
        // Without top_k, top_p 0.7 of the renormalised 0.368, 0.316, 0.21, 0.105 needs three tokens.
        #expect(Self.support(l, SamplingParameters(temperature: 1, topP: 0.7, minP: 0.2)) == [0, 1, 2])
    }

    @Test("at low temperature, tokens far below the best are not drawn")
    func temperatureFloor() {
        // At T 0.1, 30 units = 3 logits; token 1 is 2.9 below (p ≈ e^-29), token 2 is 3.1 below.
        let l: [Float] = [10, 7.1, 6.9]
        var p = SamplingParameters(temperature: 0.1)
        var candidates: Set<Int32> = []
        for seed in UInt64(0)..<50 {
            p.seed = seed
            var sampler = TokenSampler(parameters: p)
            candidates.insert(sampler.sample(l))
        }
        #expect(candidates == [0])
    }
}
