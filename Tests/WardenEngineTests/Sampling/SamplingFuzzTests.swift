import Testing
@testable import WardenEngine

@Suite("Sampling fuzz")
struct SamplingFuzzTests {
    @Test("random parameters on hostile logits never crash, never pick a NaN, -inf or out-of-range token")
    func hostileLogits() {
        let seed: UInt64 = 20_261_123
        var rng = SeededGenerator(seed: seed)
        let specials: [Float] = [.nan, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                 .leastNonzeroMagnitude, 0, -0.0, 1e30, -1e30]
        for round in 0..<400 {
            let count = Int.random(in: 1...(round % 10 == 0 ? 3000 : 40), using: &rng)
            var logits = (0..<count).map { _ in Float.random(in: -20...20, using: &rng) }
            for _ in 0..<Int.random(in: 0...count, using: &rng) {
                logits[Int.random(in: 0..<count, using: &rng)] = specials.randomElement(using: &rng)!
            }
            let parameters = SamplingParameters(
                temperature: [0, 1e-30, 0.01, 0.7, 1, 2, 1e30].randomElement(using: &rng)!,
                topK: Int.random(in: 0...5, using: &rng), topP: [1, 0.5, 1e-6].randomElement(using: &rng)!,
                seed: rng.next(), stopTokenIDs: [[], [Int32(count + 1)], [-5, 2]].randomElement(using: &rng)!,
                minP: [0, 0.1, 1].randomElement(using: &rng)!,
                presencePenalty: Float.random(in: -2...2, using: &rng), frequencyPenalty: Float.random(in: -2...2, using: &rng),
                logprobs: Bool.random(using: &rng) ? Int.random(in: 0...20, using: &rng) : nil)
            var sampler = TokenSampler(parameters: parameters)
            let usable = logits.contains { !$0.isNaN && $0 > -.infinity }
            for _ in 0..<3 {
                let token = logits.withUnsafeBufferPointer { sampler.next($0) }
                if usable {
                    #expect(token.id >= 0 && Int(token.id) < count, "round \(round) of seed \(seed)")
                    if token.id >= 0 && Int(token.id) < count {
                        #expect(!logits[Int(token.id)].isNaN, "round \(round) of seed \(seed)")
                    }
                } else {
                    #expect(token.id == (parameters.stopTokenIDs.min() ?? 0))
                }
                if let n = parameters.logprobs {
                    #expect(token.topLogprobs.count <= n && token.logprob != nil)
                    #expect(token.topLogprobs.allSatisfy { !$0.logprob.isNaN && $0.logprob <= 0 })
                    #expect(token.logprob.map { !$0.isNaN && $0 <= 0 } == true)
                }
            }
        }
    }
}
