import Foundation
import Testing
import WardenEngine

/// Token ids must be identical to llama.cpp's (`llama-tokenize --ids`) on every reference case.
@Suite struct LlamaCppParityTests {
    private func check(modelPath: String, fixture fileName: String) throws {
        let tokenizer = try Tokenizer(gguf: GGUFFile(path: modelPath))
        let fixture = try LlamaCppTokenizationFixture.load(fileName)
        #expect(!fixture.cases.isEmpty)
        for testCase in fixture.cases {
            let ids = tokenizer.encode(testCase.text, addSpecialTokens: testCase.add_bos, parseSpecial: testCase.parse_special)
            #expect(ids == testCase.ids, "case \(testCase.name)")
        }
    }

    @Test func theTinyLlamaSentencePieceTokenizerMatchesLlamaCpp() throws {
        try check(modelPath: GGUFFixtures.tinyLlamaPath, fixture: "tokenize_tiny_llama_d64_f32.json")
    }

    @Test func theTinyQwen2ByteLevelTokenizerMatchesLlamaCpp() throws {
        try check(modelPath: GGUFFixtures.tinyQwen2Path, fixture: "tokenize_tiny_qwen2_d64_f32.json")
    }

    @Test func theGemma3TokenizerMatchesLlamaCpp() throws {
        try check(modelPath: try GGUFFixtures.gemmaModelPath(), fixture: "tokenize_gemma3_270m_q4_k_m.json")
    }

    /// The prompts and outputs of the greedy-generation references (see Fixtures/tokenizer/PROVENANCE.md).
    private struct GenerationReferences: Decodable {
        struct Case: Decodable {
            let name: String
            let prompt: String
            let ids: [Int32]
            let generated_ids: [Int32]
            let generated_text: String
        }
        let models: [String: [Case]]

        static func cases(for model: String) throws -> [Case] {
            let url = GGUFFixtures.directory.appendingPathComponent("tokenizer/prompt_ids_from_generate.json")
            let references = try JSONDecoder().decode(GenerationReferences.self, from: Data(contentsOf: url))
            return try #require(references.models[model])
        }
    }

    private func modelPath(_ model: String) throws -> String {
        switch model {
        case "tiny-llama": GGUFFixtures.tinyLlamaPath
        case "tiny-qwen2": GGUFFixtures.tinyQwen2Path
        default: try GGUFFixtures.gemmaModelPath()
        }
    }

    /// llama-server tokenized these prompts with special tokens parsed.
    @Test(arguments: ["gemma3", "tiny-llama", "tiny-qwen2"])
    func generationPromptsTokenizeAsLlamaServerDid(model: String) throws {
        let tokenizer = try Tokenizer(gguf: GGUFFile(path: try modelPath(model)))
        let cases = try GenerationReferences.cases(for: model)
        #expect(!cases.isEmpty)
        for reference in cases {
            #expect(tokenizer.encode(reference.prompt, parseSpecial: true) == reference.ids, "case \(reference.name)")
        }
    }

    /// llama-server's streamed text for the generated ids, including the U+FFFD it writes for the random models'
    /// invalid byte sequences.
    @Test(arguments: ["gemma3", "tiny-llama", "tiny-qwen2"])
    func streamingDecodingGivesLlamaServersGeneratedText(model: String) throws {
        let tokenizer = try Tokenizer(gguf: GGUFFile(path: try modelPath(model)))
        for reference in try GenerationReferences.cases(for: model) {
            var decoder = tokenizer.makeStreamingDecoder()
            let text = reference.generated_ids.map { decoder.append($0) }.joined() + decoder.finish()
            #expect(text == reference.generated_text, "case \(reference.name)")
        }
    }
}
