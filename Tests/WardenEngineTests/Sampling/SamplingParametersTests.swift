import Testing
@testable import WardenEngine

@Suite("Sampling parameters")
struct SamplingParametersTests {
    @Test("the defaults and the pre-existing initialiser describe plain greedy decoding and validate")
    func defaultsAreGreedyAndValid() throws {
        let old = SamplingParameters(maxTokens: 64, temperature: 0.7, topK: 40, topP: 0.95, seed: 42, stopTokenIDs: [1])
        #expect(old.minP == 0 && old.presencePenalty == 0 && old.frequencyPenalty == 0 && old.logprobs == nil)
        try old.validate()
        let plain = SamplingParameters()
        #expect(plain.isGreedy && !plain.hasPenalties)
        try plain.validate()
        try SamplingParameters(
            temperature: 2, topK: 1, topP: 1e-6, minP: 1, presencePenalty: -2, frequencyPenalty: 2, logprobs: 20
        ).validate()
        try SamplingParameters(minP: 0, presencePenalty: 2, frequencyPenalty: -2, logprobs: 0).validate()
    }

    @Test("every out-of-range value is refused with invalidRequest", arguments: [
        SamplingParameters(maxTokens: -1),
        SamplingParameters(temperature: -0.1), SamplingParameters(temperature: .nan), SamplingParameters(temperature: .infinity),
        SamplingParameters(topK: -1),
        SamplingParameters(topP: 0), SamplingParameters(topP: 1.01), SamplingParameters(topP: .nan),
        SamplingParameters(minP: -0.01), SamplingParameters(minP: 1.5), SamplingParameters(minP: .nan),
        SamplingParameters(presencePenalty: 2.01), SamplingParameters(presencePenalty: -2.5),
        SamplingParameters(presencePenalty: .nan), SamplingParameters(presencePenalty: -.infinity),
        SamplingParameters(frequencyPenalty: -2.01), SamplingParameters(frequencyPenalty: 3),
        SamplingParameters(frequencyPenalty: .nan), SamplingParameters(frequencyPenalty: .infinity),
        SamplingParameters(logprobs: -1), SamplingParameters(logprobs: 21), SamplingParameters(logprobs: Int.max),
    ])
    func outOfRangeValuesAreRefused(parameters: SamplingParameters) {
        #expect(throws: EngineError(.invalidRequest, "")) { try parameters.validate() }
    }

    @Test("refusals name the field but never echo stop tokens or other request content")
    func refusalsNameTheField() {
        do {
            try SamplingParameters(stopTokenIDs: [12345], presencePenalty: 9).validate()
            Issue.record("expected a refusal")
        } catch {
            #expect(error.detail.contains("presencePenalty"))
            #expect(!error.detail.contains("12345"))
        }
    }
}
