import Testing
@testable import WardenEngine

@Suite("Presence and frequency penalties")
struct PenaltyTests {
    @Test("greedy decoding follows logit − frequency·count − presence, worked by hand")
    func greedyFollowsPenalisedLogits() {
        // Token 0 leads by 1.0 over token 1 and by 1.7 over token 2.
        let logits: [Float] = [5, 4, 3.3, 0]
        var sampler = TokenSampler(parameters: SamplingParameters(presencePenalty: 0.3, frequencyPenalty: 0.4))
        // Step 1: nothing generated yet → 0. Token 0 becomes 5 − 0.4 − 0.3 = 4.3.
        #expect(sampler.sample(logits) == 0)
        // Step 2: 4.3 > 4 → 0 again; token 0 becomes 5 − 0.8 − 0.3 = 3.9.
        #expect(sampler.sample(logits) == 0)
        // Step 3: 4 > 3.9 → 1; token 1 becomes 4 − 0.7 = 3.3.
        #expect(sampler.sample(logits) == 1)
        // Step 4: token 0 at 3.9 leads 3.3 and 3.3 → 0; token 0 becomes 5 − 1.2 − 0.3 = 3.5.
        #expect(sampler.sample(logits) == 0)
        // Step 5: 3.5 (token 0) vs 3.3 (token 1) vs 3.3 (token 2) → 0; token 0 becomes 3.1.
        #expect(sampler.sample(logits) == 0)
        #expect(sampler.generatedCount(of: 0) == 4 && sampler.generatedCount(of: 1) == 1)
        #expect(sampler.generatedCount(of: 3) == 0)
    }

    @Test("penalties change exactly the generated tokens' probabilities, matching a double-precision reference")
    func penaltiesChangeOnlyCountedTokens() {
        let logits: [Float] = [2, 1.5, 1, 0.5, 0, -0.5, 2.2, 1.1]
        let parameters = SamplingParameters(temperature: 0.9, presencePenalty: 0.6, frequencyPenalty: 0.35)
        let generated: [Int32] = [6, 0, 6, 3]
        let reference = ReferenceSampling.distribution(logits, parameters: parameters, generated: generated)
        let plain = ReferenceSampling.distribution(logits, parameters: SamplingParameters(temperature: 0.9))
        // The reference itself: only the counted tokens lose relative weight.
        for id in logits.indices {
            let counted = generated.contains(Int32(id))
            #expect((reference[id] < plain[id]) == counted)
        }
        // The sampler, after producing those tokens, draws with the reference frequencies.
        let draws = 20_000
        var counts = [Int](repeating: 0, count: logits.count)
        for seed in 0..<draws {
            var p = parameters
            p.seed = UInt64(seed)
            var sampler = TokenSampler(parameters: p)
            for id in generated { sampler.record(id) }
            counts[Int(sampler.sample(logits))] += 1
        }
        for id in logits.indices {
            let expected = reference[id]
            let observed = Double(counts[id]) / Double(draws)
            let sigma = (expected * (1 - expected) / Double(draws)).squareRoot()
            #expect(abs(observed - expected) <= 5 * sigma + 1e-9, "token \(id): \(observed) vs \(expected)")
        }
    }

    @Test("negative penalties make generated tokens more likely")
    func negativePenaltiesEncourageRepetition() {
        var sampler = TokenSampler(parameters: SamplingParameters(presencePenalty: -1, frequencyPenalty: -0.5))
        let logits: [Float] = [1, 1.2, 0]
        sampler.record(0)  // token 0 now at 1 + 1 + 0.5 = 2.5, above token 1's 1.2
        #expect(sampler.sample(logits) == 0)
        // Token 0 again: 1 + 1 + 2 · 0.5 = 3; token 1, never produced, cannot catch up.
        #expect(sampler.sample(logits) == 0)
        #expect(sampler.generatedCount(of: 0) == 3)
    }

    @Test("the prompt is not counted: a fresh sampler has no penalties, and zero penalties record nothing")
    func promptIsNotCounted() {
        var sampler = TokenSampler(parameters: SamplingParameters(presencePenalty: 2, frequencyPenalty: 2))
        #expect(sampler.generatedCount(of: 0) == 0)
        #expect(sampler.sample([3, 1]) == 0)
        #expect(sampler.generatedCount(of: 0) == 1)
        var plain = TokenSampler(parameters: SamplingParameters())
        _ = plain.sample([3, 1])
        #expect(plain.generatedCount(of: 0) == 0)
    }

    @Test("penalties apply on every path: penalised ids at vector edges, in the tail and out of range")
    func penaltiesAtEdges() {
        var logits = [Float](repeating: 0, count: 35)
        for id in [0, 7, 8, 31, 32, 34] { logits[id] = 10 }
        var sampler = TokenSampler(parameters: SamplingParameters(presencePenalty: 2))
        var seen: [Int32] = []
        for _ in 0..<6 { seen.append(sampler.sample(logits)) }
        // Each leader is pushed below the others once produced, so the six are produced in id order.
        #expect(seen == [0, 7, 8, 31, 32, 34])
        // Then all six sit at 8 (presence counts once) and still lead the zeros: the lowest id wins again.
        #expect(sampler.sample(logits) == 0)
        // An id beyond a shorter vector is ignored rather than read; id 0 is still penalised (1 − 2).
        sampler.record(400)
        #expect(sampler.sample([Float](repeating: 1, count: 3)) == 1)
    }

    @Test("on a large vocabulary with hundreds of penalised tokens, greedy picks the double-precision penalised argmax")
    func largeVocabularyGreedyMatchesReference() {
        var rng = SeededGenerator(seed: 99)
        let logits = (0..<50_000).map { _ in Float(Int.random(in: -400...400, using: &rng)) / 100 }
        let parameters = SamplingParameters(presencePenalty: 0.7, frequencyPenalty: 0.45)
        var sampler = TokenSampler(parameters: parameters)
        var counts: [Int: Int] = [:]
        for step in 0..<400 {
            // Reference: logit − 0.45·count − 0.7·(count > 0) in double precision, lowest id among equals.
            // Float rounding of the penalised value may reorder values closer than 1e-5: either is then right.
            func penalised(_ id: Int) -> Double {
                let count = counts[id] ?? 0
                return Double(logits[id]) - (count > 0 ? 0.45 * Double(count) + 0.7 : 0)
            }
            var best = 0
            for id in logits.indices where penalised(id) > penalised(best) { best = id }
            let chosen = sampler.sample(logits)
            let nearTie = abs(penalised(Int(chosen)) - penalised(best)) < 1e-5
            #expect(chosen == Int32(best) || nearTie, "step \(step)")
            counts[Int(chosen), default: 0] += 1
        }
    }
}
