import Foundation
import Testing
@testable import WardenEngine

@Suite("Tiny llama and qwen2 models against llama.cpp")
struct TinyModelReferenceTests {
    /// Log-probability tolerance for the F32 tiny models (Docs/ENGINE.md, "Numerics"); the remaining difference is
    /// llama.cpp's fp16 rounding, largest on candidates far down the distribution.
    static let tolerance = 0.05

    @Test("greedy decoding reproduces llama.cpp's tokens and log-probabilities on the tiny models", arguments: [
        ("tiny-llama-d64-f32.gguf", "generate_tiny_llama_d64_f32.json"),
        ("tiny-qwen2-d64-f32.gguf", "generate_tiny_qwen2_d64_f32.json"),
    ])
    func greedyMatchesLlamaCpp(modelFile: String, fixtureFile: String) throws {
        let model = try LanguageModel.load(path: FixturePaths.tiny(modelFile))
        let fixture = try GenerationFixture.load(fixtureFile)
        let transformer = TransformerModel(weights: model.weights, backend: CPUBackend(threads: 1))
        let slot = KVCacheSlot(hyperparameters: model.hyperparameters, capacity: 256)
        for testCase in fixture.cases {
            let result = try ReferenceComparison(
                model: transformer, testCase: testCase, slot: slot, tieGap: ReferenceComparison.nearTieGap)
            #expect(result.positions > 0)
            #expect(result.argmaxMismatches.isEmpty, "\(testCase.name): argmax differs at \(result.argmaxMismatches)")
            #expect(result.maxError < Self.tolerance, "\(testCase.name): \(result.maxError)")
            let greedy = try greedyTokens(
                model: transformer, prompt: testCase.prompt_ids, count: testCase.generated_ids.count, slot: slot)
            let identical = result.firstTie ?? testCase.generated_ids.count
            #expect(Array(greedy.prefix(identical)) == Array(testCase.generated_ids.prefix(identical)), "\(testCase.name)")
        }
    }
}
