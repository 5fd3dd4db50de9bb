import Testing
import WardenEngine

/// Reads the real fixture files and checks what the `gguf` Python package (gguf-py 0.19.0) reports for them.
@Suite struct GGUFReaderTests {
    @Test func theTinyLlamaFixtureReadsWithItsMetadataAndTensors() throws {
        let file = try GGUFFile(path: GGUFFixtures.tinyLlamaPath)
        #expect(file.version == 3)
        #expect(file.metadata.count == 24)
        #expect(file.tensors.count == 21)
        #expect(try file.architecture() == "llama")
        #expect(try file.metadata.integer("llama.embedding_length") == 64)
        #expect(try file.metadata.floatingPoint("llama.rope.freq_base") == 10000)
        #expect(try file.metadata.bool("tokenizer.ggml.add_bos_token") == true)
        let tokens = try #require(try file.metadata.stringArray("tokenizer.ggml.tokens"))
        #expect(tokens.count == 392)
        #expect(Array(tokens.prefix(4)) == ["<unk>", "<s>", "</s>", "<0x00>"])
        #expect(tokens.last == "▁s")
        let scores = try #require(try file.metadata.floatArray("tokenizer.ggml.scores"))
        #expect(Array(scores[259...261]) == [-0.0, -1.0, -2.0])
        #expect(try file.metadata.integerArray("tokenizer.ggml.token_type")?.count == 392)
    }

    @Test func tensorBytesAreTheF32ValuesAtTheRightOffset() throws {
        let file = try GGUFFile(path: GGUFFixtures.tinyLlamaPath)
        let embedding = try file.tensor(named: "token_embd.weight")
        #expect(embedding.type == .f32)
        #expect(embedding.dimensions == [64, 392])
        #expect(embedding.rowCount == 392)
        #expect(embedding.rowByteCount == 256)
        #expect(embedding.byteCount == 100_352)
        #expect(file.dataOffset + embedding.offsetInDataSection == 10_432)
        let bytes = try file.bytes(of: embedding)
        #expect(bytes.count == 100_352)
        let floats = bytes.bindMemory(to: Float.self)
        #expect(floats[0] == 0.1257302165031433)
        #expect(floats[1] == -0.13210485875606537)
        #expect(floats[floats.count - 1] == 0.1285857856273651)
        #expect(try file.tensor(named: "output.weight").dimensions == [64, 392])
        #expect(file.tensors.last?.name == "output.weight")
    }

    @Test func theTinyQwen2FixtureHasMergesAndAChatTemplate() throws {
        let file = try GGUFFile(path: GGUFFixtures.tinyQwen2Path)
        #expect(try file.architecture() == "qwen2")
        #expect(file.tensors.count == 26)
        #expect(try file.metadata.stringArray("tokenizer.ggml.merges")?.count == 144)
        #expect(try file.metadata.string("tokenizer.ggml.pre") == "qwen2")
        #expect(try file.metadata.string("tokenizer.chat_template")?.hasPrefix("{% for m in messages %}<|im_start|>") == true)
        #expect(try file.metadata.integer("tokenizer.ggml.eos_token_id") == 402)
    }

    @Test func theDefaultGemmaModelReadsWithEveryQuantisedTensorInBounds() throws {
        let file = try GGUFFile(path: try GGUFFixtures.gemmaModelPath())
        #expect(file.tensors.count == 236)
        #expect(file.metadata.count == 33)
        #expect(try file.architecture() == "gemma3")
        #expect(file.dataOffset == 6_525_120)
        var typeCounts: [GGUFTensorType: Int] = [:]
        for tensor in file.tensors { typeCounts[tensor.type, default: 0] += 1 }
        #expect(typeCounts == [.f32: 109, .q5_0: 81, .q4_K: 27, .q8_0: 10, .q6_K: 9])
        let embedding = try file.tensor(named: "token_embd.weight")
        #expect(embedding.type == .q8_0)
        #expect(embedding.dimensions == [640, 262_144])
        #expect(embedding.byteCount == 178_257_920)
        let bytes = try file.bytes(of: embedding)
        #expect(Array(bytes.prefix(8)) == [0xf2, 0x10, 0xf4, 0x47, 0xc7, 0xdd, 0xec, 0x30])
        #expect(Array(bytes.suffix(4)) == [0x0e, 0x10, 0x00, 0xea])
        #expect(try file.tensor(named: "blk.0.ffn_down.weight").type == .q6_K)
        #expect(try file.tensor(named: "blk.0.ffn_down.weight").byteCount == 1_075_200)
        #expect(try file.tensor(named: "blk.0.attn_q.weight").byteCount == 450_560)
        let tokens = try #require(try file.metadata.stringArray("tokenizer.ggml.tokens"))
        #expect(tokens.count == 262_144)
        #expect(tokens[105] == "<start_of_turn>")
        #expect(tokens[106] == "<end_of_turn>")
    }

    @Test func aMissingTensorOrKeyIsANamedError() throws {
        let file = try GGUFFile(path: GGUFFixtures.tinyLlamaPath)
        #expect(throws: GGUFError.self) { try file.tensor(named: "nope.weight") }
        do {
            _ = try file.metadata.requiredString("general.nonexistent")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .missingKey)
            #expect(error.subject == "general.nonexistent")
        }
        do {
            _ = try file.metadata.string("llama.block_count")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .typeMismatch)
        }
    }

    @Test func aNonexistentPathIsAnIOError() {
        do {
            _ = try GGUFFile(path: "/nonexistent/model.gguf")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .io)
        }
    }
}
