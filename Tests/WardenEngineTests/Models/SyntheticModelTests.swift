import Foundation
import Testing
@testable import WardenEngine

@Suite("Synthetic llama and qwen2 models against a float64 reference")
struct SyntheticModelTests {
    static let types: [GGUFTensorType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q5_K, .q6_K]
    static let prompt: [Int32] = [1, 17, 254, 3, 99, 200, 42]

    /// Largest logit difference allowed, relative to the largest |logit|: float types only see fp16 cache rounding;
    /// quantized types also see 8-bit activations, which random weights amplify more than trained ones (measured
    /// worst case 7%, Q6_K; a wrong kernel gives errors of the order of the logits themselves).
    static func tolerance(_ type: GGUFTensorType) -> Double {
        switch type {
        case .f32, .f16, .bf16: 0.01
        default: 0.1
        }
    }

    static func load(_ synthetic: SyntheticModel) throws -> TransformerModel {
        let model = try LanguageModel(file: GGUFFile(bytes: synthetic.bytes))
        return TransformerModel(weights: model.weights, backend: CPUBackend(threads: 2))
    }

    @Test("the forward pass matches the float64 reference for every tensor type and both architectures",
          arguments: [ModelArchitecture.llama, .qwen2], types)
    func forwardMatchesReference(architecture: ModelArchitecture, type: GGUFTensorType) throws {
        let synthetic = try SyntheticModel(architecture: architecture, matrixType: type, seed: 11 + UInt64(type.rawValue))
        let model = try Self.load(synthetic)
        let expected = ReferenceTransformer(model: synthetic).logits(Self.prompt)
        let slot = KVCacheSlot(hyperparameters: model.hp, capacity: 32)
        // Prefill in two chunks, then one token, so cached positions are exercised as well as batched ones.
        _ = try model.forward([SequenceStep(tokens: Array(Self.prompt[0..<3]), slot: slot, wantsLogits: false)])
        let mid = try model.forward([SequenceStep(tokens: Array(Self.prompt[3..<6]), slot: slot)])[0]!
        let last = try model.forward([SequenceStep(tokens: [Self.prompt[6]], slot: slot)])[0]!
        for (actual, reference) in [(mid, expected[5]), (last, expected[6])] {
            let scale = reference.map(abs).max()!
            let error = zip(actual, reference).map { abs(Double($0) - $1) }.max()!
            #expect(error <= Self.tolerance(type) * scale, "\(architecture) \(type): error \(error), scale \(scale)")
        }
    }

    @Test("a batch of sequences at different positions gives each the logits it gets alone")
    func batchedSequencesMatchSeparateRuns() throws {
        let synthetic = try SyntheticModel(architecture: .qwen2, matrixType: .q8_0, seed: 5)
        let model = try Self.load(synthetic)
        let a = KVCacheSlot(hyperparameters: model.hp, capacity: 32)
        let b = KVCacheSlot(hyperparameters: model.hp, capacity: 32)
        _ = try model.forward([SequenceStep(tokens: [5, 6, 7, 8, 9], slot: a)])
        // Alone: b prefills three tokens, a decodes one.
        let aloneB = try model.forward([SequenceStep(tokens: [10, 11, 12], slot: b)])[0]!
        let aloneA = try model.forward([SequenceStep(tokens: [13], slot: a)])[0]!
        // Together, from the same states.
        a.truncate(to: 5)
        b.reset()
        let together = try model.forward([
            SequenceStep(tokens: [10, 11, 12], slot: b), SequenceStep(tokens: [13], slot: a),
        ])
        #expect(together[0]! == aloneB)
        #expect(together[1]! == aloneA)
        #expect(a.length == 6 && b.length == 3)
    }

    @Test("bad requests are refused before anything changes")
    func badRequestsAreRefused() throws {
        let synthetic = try SyntheticModel(architecture: .llama, matrixType: .f32, seed: 3)
        let model = try Self.load(synthetic)
        let slot = KVCacheSlot(hyperparameters: model.hp, capacity: 4)
        #expect(throws: EngineError(.invalidRequest, "")) { try model.forward([SequenceStep(tokens: [300], slot: slot)]) }
        #expect(throws: EngineError(.invalidRequest, "")) { try model.forward([SequenceStep(tokens: [-1], slot: slot)]) }
        #expect(throws: EngineError(.invalidRequest, "")) { try model.forward([SequenceStep(tokens: [], slot: slot)]) }
        #expect(throws: EngineError(.contextFull, "")) {
            try model.forward([SequenceStep(tokens: [1, 2, 3, 4, 5], slot: slot)])
        }
        #expect(slot.length == 0)
    }
}
