import Foundation
import Testing
@testable import WardenEngine

@Suite("Gemma 3 270M against llama.cpp")
struct Gemma3ReferenceTests {
    // Tolerances (Docs/ENGINE.md, "Numerics"): this quantized model amplifies rounding differences, so llama.cpp, a
    // float64 evaluation of the same weights and this engine differ by ~0.1 in log-probability.
    static let tieGap = 0.5
    static let maxErrorLikely = 0.8  // candidates with logprob ≥ -5
    static let maxErrorAll = 1.2
    static let meanError = 0.2

    @Test("greedy decoding on the default model agrees with llama.cpp's tokens and top-5 log-probabilities")
    func greedyMatchesLlamaCpp() throws {
        let path = FixturePaths.gemma3Model
        guard FileManager.default.fileExists(atPath: path) else {
            Issue.record("missing \(path). \(FixturePaths.gemma3InstallHint)")
            return
        }
        let model = try LanguageModel.load(path: path)
        let fixture = try GenerationFixture.load("generate_gemma3_270m_q4_k_m.json")
        let transformer = TransformerModel(weights: model.weights, backend: CPUBackend())
        let slot = KVCacheSlot(hyperparameters: model.hyperparameters, capacity: 128)
        for testCase in fixture.cases {
            let result = try ReferenceComparison(model: transformer, testCase: testCase, slot: slot, tieGap: Self.tieGap)
            print(String(format: "gemma3 %@: mean %.3f, max(logprob ≥ -5) %.3f, max %.3f, first gap < %.2f at %@",
                         testCase.name, result.meanError, result.maxError(forLogprobsAbove: -5), result.maxError,
                         Self.tieGap, result.firstTie.map(String.init) ?? "none"))
            #expect(result.positions == testCase.generated_ids.count)
            #expect(result.argmaxMismatches.isEmpty, "\(testCase.name): argmax differs at \(result.argmaxMismatches)")
            #expect(result.maxError(forLogprobsAbove: -5) < Self.maxErrorLikely, "\(testCase.name)")
            #expect(result.maxError < Self.maxErrorAll, "\(testCase.name)")
            #expect(result.meanError < Self.meanError, "\(testCase.name)")
            let greedy = try greedyTokens(
                model: transformer, prompt: testCase.prompt_ids, count: testCase.generated_ids.count, slot: slot)
            let identical = result.firstTie ?? testCase.generated_ids.count
            #expect(Array(greedy.prefix(identical)) == Array(testCase.generated_ids.prefix(identical)), "\(testCase.name)")
        }
    }
}
