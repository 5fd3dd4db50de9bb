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
}
