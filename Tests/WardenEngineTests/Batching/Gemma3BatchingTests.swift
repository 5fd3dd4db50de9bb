import Foundation
import Testing
@testable import WardenEngine

@Suite("Continuous batching on the default model")
struct Gemma3BatchingTests {
    @Test("Gemma 3 270M: concurrent greedy requests give exactly the tokens each gives alone, sharing a prefix")
    func gemmaBatchedEqualsAlone() async throws {
        let model = try LanguageModel.load(path: try GGUFFixtures.gemmaModelPath())
        let engine = InferenceEngine(
            model: model,
            configuration: EngineConfiguration(
                threads: 2, contextCapacity: 256, prefillChunk: 24, kvCacheBytes: 32 << 20, maxBatchTokens: 40))
        let shared: [Int32] = [2, 105, 2364, 107] + (0..<28).map { Int32(1000 + $0 * 37) }
        let requests = (0..<4).map { i in
            (prompt: (i % 2 == 0 ? shared : []) + [2, 818, 5279, 529] + (0..<(3 + i * 5)).map { Int32(3000 + i * 101 + $0) },
             parameters: SamplingParameters(maxTokens: 6 + i))
        }
        let results = try await BatchTestSupport.runConcurrently(engine, requests)
        let transformer = TransformerModel(weights: model.weights, backend: CPUBackend(threads: 2))
        let slot = KVCacheSlot(hyperparameters: model.hyperparameters, capacity: 256)
        for (request, result) in zip(requests, results) {
            let alone = try greedyTokens(
                model: transformer, prompt: request.prompt, count: request.parameters.maxTokens, slot: slot)
            #expect(result.tokens == alone)
        }
        #expect(engine.metrics().kvBlocksUsed == 0)
    }
}
