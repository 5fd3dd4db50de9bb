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
            // Mostly tiny vocabularies; every 10th round thousands; every 50th a flat one past the 8192 candidates
            // where top_p narrows by histogram, its spread sometimes subnormal.
            let large = round % 50 == 0
            let count = large ? Int.random(in: 20_000...30_000, using: &rng)
                : Int.random(in: 1...(round % 10 == 0 ? 3000 : 40), using: &rng)
            let spread: Float = round % 100 == 0 ? 1e-40 : large ? 0.5 : 20
            var logits = (0..<count).map { _ in Float.random(in: -spread...spread, using: &rng) }
            // The large rounds get only a few NaN and -inf, so the flat candidates stay.
            for _ in 0..<Int.random(in: 0...(large ? 3 : count), using: &rng) {
                logits[Int.random(in: 0..<count, using: &rng)] = large
                    ? [.nan, -.infinity].randomElement(using: &rng)! : specials.randomElement(using: &rng)!
            }
            var parameters = SamplingParameters(
                temperature: [0, 1e-30, 0.01, 0.7, 1, 2, 1e30].randomElement(using: &rng)!,
                topK: Int.random(in: 0...5, using: &rng), topP: [1, 0.5, 1e-6].randomElement(using: &rng)!,
                seed: rng.next(), stopTokenIDs: [[], [Int32(count + 1)], [-5, 2]].randomElement(using: &rng)!,
                minP: [0, 0.1, 1].randomElement(using: &rng)!,
                presencePenalty: Float.random(in: -2...2, using: &rng), frequencyPenalty: Float.random(in: -2...2, using: &rng),
                logprobs: Bool.random(using: &rng) ? Int.random(in: 0...20, using: &rng) : nil)
            if round % 50 == 0 {  // the large flat rounds must reach top_p's histogram
                parameters.temperature = 1
                parameters.topK = 0
                parameters.topP = 0.5
                parameters.minP = 0
            }
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
