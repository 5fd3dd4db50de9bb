import Testing
import WardenEngine

@Suite struct DecodingTests {
    typealias SP = HandMadeVocabulary.SP

    @Test func sentencePiecePiecesTurnTheSpaceMarkerIntoSpaces() throws {
        let tokenizer = try HandMadeVocabulary.sentencePiece()
        #expect(tokenizer.pieceBytes(SP.spaceAB) == Array(" ab".utf8))
        #expect(tokenizer.pieceBytes(SP.byte(0x41)) == [0x41])
        #expect(tokenizer.pieceBytes(SP.control) == [])
        #expect(tokenizer.pieceBytes(SP.control, renderSpecial: true) == Array("<ctl>".utf8))
        #expect(tokenizer.pieceBytes(SP.userDefined) == Array("<ud>".utf8))
        #expect(tokenizer.pieceBytes(-1) == [])
        #expect(tokenizer.pieceBytes(100_000) == [])
    }

    @Test func decodingRemovesTheSpaceThatEncodingAddedLikeLlamaCpp() throws {
        let tokenizer = try HandMadeVocabulary.sentencePiece()
        #expect(tokenizer.decode([SP.spaceAB, SP.space, SP.b]) == "ab b")
        // As in llama.cpp's detokenize, a leading BOS takes the place of the stripped space.
        #expect(tokenizer.decode([SP.bos, SP.spaceAB]) == " ab")
        #expect(tokenizer.decode([SP.spaceA, SP.control, SP.space, SP.b], renderSpecial: true) == "a<ctl> b")
    }

    @Test func byteLevelTokensDecodeToTheirBytes() throws {
        let tokenizer = try HandMadeVocabulary.byteLevel(
            pre: "qwen2", extraTokens: ["or", "Ġw", "Ġwor", "ld", "Ġworld"],
            merges: ["o r", "Ġ w", "Ġw or", "l d", "Ġwor ld"])
        #expect(tokenizer.pieceBytes(260) == Array(" world".utf8))
        #expect(tokenizer.pieceBytes(10) == [10])  // byte 0x0A is written as Ċ
        #expect(tokenizer.decode([72, 105, 260, 263], renderSpecial: true) == "Hi world<|im_end|>")
        #expect(tokenizer.decode([72, 105, 260, 263]) == "Hi world")
    }

    @Test func theStreamingDecoderHoldsIncompleteCharacters() throws {
        let tokenizer = try HandMadeVocabulary.sentencePiece()
        var decoder = tokenizer.makeStreamingDecoder()
        #expect(decoder.append(SP.spaceA) == " a")
        #expect(decoder.append(SP.byte(0xC3)) == "")
        #expect(decoder.append(SP.byte(0xA9)) == "é")
        for byte: UInt8 in [0xF0, 0x9F, 0x98] { #expect(decoder.append(SP.byte(byte)) == "") }
        #expect(decoder.append(SP.byte(0x80)) == "😀")
        #expect(decoder.finish() == "")
    }

    @Test func theStreamingDecoderReplacesBytesThatCanNeverFormACharacter() throws {
        let tokenizer = try HandMadeVocabulary.sentencePiece()
        var decoder = tokenizer.makeStreamingDecoder()
        #expect(decoder.append(SP.byte(0xC3)) == "")
        #expect(decoder.append(SP.a) == "\u{FFFD}a")
        #expect(decoder.append(SP.byte(0xE2)) == "")
        #expect(decoder.finish() == "\u{FFFD}")
        #expect(decoder.append(SP.byte(0xFF)) == "\u{FFFD}")
    }

    @Test(arguments: [
        ("tiny-llama", "tokenize_tiny_llama_d64_f32.json"), ("tiny-qwen2", "tokenize_tiny_qwen2_d64_f32.json"),
        ("gemma3", "tokenize_gemma3_270m_q4_k_m.json"),
    ])
    func decodingTheEncodedFixtureTextsGivesTheTextBack(model: String, fixture: String) throws {
        let path = switch model {
        case "tiny-llama": GGUFFixtures.tinyLlamaPath
        case "tiny-qwen2": GGUFFixtures.tinyQwen2Path
        default: try GGUFFixtures.gemmaModelPath()
        }
        let tokenizer = try Tokenizer(gguf: GGUFFile(path: path))
        for testCase in try LlamaCppTokenizationFixture.load(fixture).cases {
            let ids = tokenizer.encode(testCase.text, addSpecialTokens: false)
            #expect(tokenizer.decode(ids) == testCase.text, "case \(testCase.name)")
            var decoder = tokenizer.makeStreamingDecoder()
            let streamed = ids.map { decoder.append($0) }.joined() + decoder.finish()
            #expect(streamed.utf8.count >= testCase.text.utf8.count, "case \(testCase.name)")
        }
    }

    @Test func theGemmaModelEndsGenerationAtEOSAndEndOfTurn() throws {
        let tokenizer = try Tokenizer(gguf: GGUFFile(path: try GGUFFixtures.gemmaModelPath()))
        #expect(tokenizer.bosTokenID == 2)
        #expect(tokenizer.eosTokenID == 1)
        #expect(tokenizer.addsBOS)
        #expect(tokenizer.tokenID(forText: "<end_of_turn>") == 106)
        #expect(tokenizer.isEndOfGeneration(1))
        #expect(tokenizer.isEndOfGeneration(106))
        #expect(tokenizer.vocabularySize == 262_144)
        #expect(tokenizer.kind == .sentencePiece)
    }
}
