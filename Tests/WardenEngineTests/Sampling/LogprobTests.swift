import Testing
@testable import WardenEngine

@Suite("Log-probabilities")
struct LogprobTests {
    @Test("the chosen token's logprob equals a double-precision log-softmax within 1e-5", arguments: [5, 64, 1001, 262_144])
    func chosenLogprobMatchesReference(vocabulary: Int) {
        let logits = ReferenceSampling.gaussianLogits(count: vocabulary, sigma: 4, seed: UInt64(vocabulary))
        let reference = ReferenceSampling.logSoftmax(logits)
        for parameters in [
            SamplingParameters(logprobs: 0), SamplingParameters(temperature: 0.7, topP: 0.9, seed: 3, logprobs: 5),
        ] {
            var sampler = TokenSampler(parameters: parameters)
            for _ in 0..<3 {
                let token = logits.withUnsafeBufferPointer { sampler.next($0) }
                let logprob = try! #require(token.logprob)
                #expect(abs(Double(logprob) - reference[Int(token.id)]) <= 1e-5)
                for entry in token.topLogprobs {
                    #expect(abs(Double(entry.logprob) - reference[Int(entry.id)]) <= 1e-5)
                }
            }
        }
    }

    @Test("top_logprobs lists the n most likely tokens, most likely first, lowest id among equals", arguments: [0, 1, 5, 20])
    func topLogprobsSortedAndComplete(count: Int) {
        var rng = SeededGenerator(seed: 77)
        // Coarse values so that ties are frequent, including at the cut.
        let logits = (0..<5000).map { _ in Float(Int.random(in: -40...40, using: &rng)) / 8 }
        var sampler = TokenSampler(parameters: SamplingParameters(logprobs: count))
        let token = logits.withUnsafeBufferPointer { sampler.next($0) }
        let expected = logits.indices.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
            .prefix(count).map { Int32($0) }
        #expect(token.topLogprobs.map(\.id) == expected)
        #expect(token.topLogprobs.count == count)
        #expect(zip(token.topLogprobs, token.topLogprobs.dropFirst()).allSatisfy { $0.logprob >= $1.logprob })
    }

    @Test("no logprobs are reported unless asked for")
    func nothingUnlessAsked() {
        var sampler = TokenSampler(parameters: SamplingParameters(temperature: 1))
        let token = [Float](arrayLiteral: 1, 2, 3).withUnsafeBufferPointer { sampler.next($0) }
        #expect(token.logprob == nil && token.topLogprobs.isEmpty)
        var zero = TokenSampler(parameters: SamplingParameters(logprobs: 0))
        let chosen = [Float](arrayLiteral: 1, 2, 3).withUnsafeBufferPointer { zero.next($0) }
        #expect(chosen.id == 2 && chosen.logprob != nil && chosen.topLogprobs.isEmpty)
    }

    @Test("logprobs come from the raw distribution, before penalties and temperature")
    func logprobsAreRaw() {
        let logits: [Float] = [2, 1, 0.5, -1]
        let reference = ReferenceSampling.logSoftmax(logits)
        var sampler = TokenSampler(
            parameters: SamplingParameters(temperature: 3, seed: 8, presencePenalty: 2, frequencyPenalty: 2, logprobs: 4))
        for _ in 0..<10 {
            let token = logits.withUnsafeBufferPointer { sampler.next($0) }
            #expect(token.topLogprobs.map(\.id) == [0, 1, 2, 3])
            for entry in token.topLogprobs { #expect(abs(Double(entry.logprob) - reference[Int(entry.id)]) <= 1e-6) }
            #expect(abs(Double(token.logprob!) - reference[Int(token.id)]) <= 1e-6)
        }
    }

    @Test("NaN logits get -inf and are never listed; +inf logits share probability 1")
    func nonFiniteLogits() {
        var sampler = TokenSampler(parameters: SamplingParameters(logprobs: 3))
        let withNaN: [Float] = [.nan, 1, .nan, 0]
        let token = withNaN.withUnsafeBufferPointer { sampler.next($0) }
        #expect(token.id == 1)
        #expect(token.topLogprobs.map(\.id) == [1, 3])
        let reference = ReferenceSampling.logSoftmax(withNaN)
        #expect(abs(Double(token.logprob!) - reference[1]) <= 1e-6)
        let withInfinity: [Float] = [0, .infinity, 5, .infinity]
        let infinite = withInfinity.withUnsafeBufferPointer { sampler.next($0) }
        #expect(infinite.id == 1)
        #expect(abs(infinite.logprob! - Float(-0.693_147_18)) <= 1e-6)
        #expect(infinite.topLogprobs.map(\.id) == [1, 3, 2])
        #expect(infinite.topLogprobs[2].logprob == -.infinity)
        let empty = [Float](arrayLiteral: -.infinity, .nan).withUnsafeBufferPointer { sampler.next($0) }
        #expect(empty.id == 0 && empty.logprob == -.infinity)
    }
}
