import Testing
@testable import WardenEngine

@Suite("Greedy sampling")
struct GreedySamplingTests {
    @Test("temperature 0 picks the largest logit, the lowest id among equals")
    func greedyPicksLowestIndexOfMaximum() {
        var sampler = TokenSampler(parameters: SamplingParameters())
        #expect(sampler.sample([0.1, 3, -1, 3, 2]) == 1)
        #expect(sampler.sample([-5, -5, -5]) == 0)
        // Ties placed across vector chunks and in the scalar tail (lengths not a multiple of 8).
        var logits = [Float](repeating: 0, count: 37)
        logits[35] = 9
        logits[19] = 9
        logits[36] = 9
        #expect(sampler.sample(logits) == 19)
    }

    @Test("greedy equals the plain argmax on random vectors of many lengths")
    func greedyMatchesPlainArgmax() {
        var rng = SeededGenerator(seed: 11)
        for length in [1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4099] {
            for _ in 0..<20 {
                // Few distinct values, so ties are common.
                let logits = (0..<length).map { _ in Float(Int.random(in: -4...4, using: &rng)) / 2 }
                var sampler = TokenSampler(parameters: SamplingParameters(logprobs: 3))
                var expected = 0
                for i in logits.indices where logits[i] > logits[expected] { expected = i }
                #expect(sampler.sample(logits) == Int32(expected))
                #expect(TokenSampler.argmax(logits) == expected)
            }
        }
    }

    @Test("top_k 1 is greedy at any temperature and draws nothing")
    func topKOneIsGreedy() {
        for seed in UInt64(0)..<20 {
            var sampler = TokenSampler(parameters: SamplingParameters(temperature: 5, topK: 1, seed: seed))
            #expect(sampler.sample([1, 2, 2.5, 2.4]) == 2)
        }
    }

    @Test("a NaN logit is never chosen, whatever its position")
    func nanIsNeverChosen() {
        for position in 0..<20 {
            var logits = [Float](repeating: -1, count: 20)
            logits[position] = .nan
            logits[(position + 7) % 20] = 1
            var greedy = TokenSampler(parameters: SamplingParameters())
            #expect(greedy.sample(logits) == Int32((position + 7) % 20))
            for seed in UInt64(0)..<10 {
                var sampler = TokenSampler(parameters: SamplingParameters(temperature: 1.5, seed: seed))
                #expect(sampler.sample(logits) != Int32(position))
            }
        }
    }

    @Test("with no usable logit the sampler returns the smallest stop token, or 0 without one")
    func emptyDistributionEndsTheGeneration() {
        let nothing: [Float] = [.nan, -.infinity, .nan, -.infinity]
        for temperature: Float in [0, 1] {
            var stopping = TokenSampler(parameters: SamplingParameters(temperature: temperature, stopTokenIDs: [3, 2]))
            #expect(stopping.sample(nothing) == 2)
            var plain = TokenSampler(parameters: SamplingParameters(temperature: temperature))
            #expect(plain.sample(nothing) == 0)
            #expect(plain.sample([]) == 0)
        }
    }

    @Test("+inf logits take all the probability, shared between them")
    func infiniteLogitsTakeEverything() {
        let logits: [Float] = [1, .infinity, 50, .nan, .infinity, 3]
        var greedy = TokenSampler(parameters: SamplingParameters())
        #expect(greedy.sample(logits) == 1)
        let frequencies = ReferenceSampling.frequencies(logits, parameters: SamplingParameters(temperature: 1), draws: 400)
        #expect(frequencies[1] + frequencies[4] == 1)
        #expect(frequencies[1] > 0.35 && frequencies[4] > 0.35)
    }
}
