import Foundation
import Testing
@testable import WardenEngine

@Suite("Malformed model files")
struct HostileModelTests {
    /// A llama header with the given overrides and tensors taken from a valid synthetic model minus `dropping`.
    static func file(
        metadata overrides: [String: GGUFValue] = [:], dropping: String? = nil, reshaping: String? = nil
    ) throws -> GGUFFile {
        let valid = try GGUFFile(bytes: SyntheticModel(architecture: .llama, matrixType: .q8_0, seed: 1).bytes)
        var writer = try GGUFWriter()
        for key in valid.metadata.keys { writer.setValue(valid.metadata[key]!, forKey: key) }
        for (key, value) in overrides { writer.setValue(value, forKey: key) }
        for tensor in valid.tensors where tensor.name != dropping {
            let data = Array(try valid.bytes(of: tensor))
            var dimensions = tensor.dimensions
            if tensor.name == reshaping, dimensions.count == 2 { dimensions = [dimensions[0] * 2, dimensions[1] / 2] }
            try writer.addTensor(named: tensor.name, type: tensor.type, dimensions: dimensions, data: data)
        }
        return try GGUFFile(bytes: writer.serialized())
    }

    @Test("a missing tensor is named in an invalidTensor error")
    func missingTensor() throws {
        let file = try Self.file(dropping: "blk.1.ffn_up.weight")
        #expect(throws: EngineError(.invalidTensor, "")) { try LanguageModel(file: file) }
        do { _ = try LanguageModel(file: file) } catch { #expect(error.detail.contains("blk.1.ffn_up.weight")) }
    }

    @Test("a tensor whose shape disagrees with the hyperparameters is refused")
    func misshapenTensor() throws {
        let file = try Self.file(reshaping: "blk.0.attn_q.weight")
        #expect(throws: EngineError(.invalidTensor, "")) { try LanguageModel(file: file) }
    }

    @Test("impossible hyperparameters are refused", arguments: [
        ("llama.attention.head_count", GGUFValue.uint32(0)),
        ("llama.attention.head_count_kv", .uint32(3)),
        ("llama.embedding_length", .uint32(0)),
        ("llama.block_count", .uint32(4_000_000_000)),
        ("llama.attention.key_length", .uint32(4096)),
        ("llama.rope.freq_base", .float32(.nan)),
        ("llama.rope.scaling.type", .string("yarn")),
        ("llama.context_length", .string("long")),
    ])
    func impossibleHyperparameters(key: String, value: GGUFValue) throws {
        let file = try Self.file(metadata: [key: value])
        #expect(throws: EngineError.self) { try LanguageModel(file: file) }
    }

    @Test("more layers declared than present is a missing-tensor error, not a crash")
    func moreLayersThanTensors() throws {
        let file = try Self.file(metadata: ["llama.block_count": .uint32(3)])
        #expect(throws: EngineError(.invalidTensor, "")) { try LanguageModel(file: file) }
    }
}
