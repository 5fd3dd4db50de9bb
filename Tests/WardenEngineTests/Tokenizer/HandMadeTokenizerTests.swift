import Testing
import WardenEngine

/// Encoding with small hand-written vocabularies; every expected id list is derived by hand in the comments.
@Suite struct HandMadeTokenizerTests {
    typealias SP = HandMadeVocabulary.SP

    @Test func sentencePieceMergesTheHighestScoringPairFirst() throws {
        let tokenizer = try HandMadeVocabulary.sentencePiece()
        // " ab" → ▁ a b; candidates ▁a (-3) and ab (-2): ab wins, then ▁ab (-1).
        #expect(tokenizer.encode("ab") == [SP.bos, SP.spaceAB])
        #expect(tokenizer.encode("ab", addSpecialTokens: false) == [SP.spaceAB])
        // "ba" → ▁ b a: no pair is a token.
        #expect(tokenizer.encode("ba", addSpecialTokens: false) == [SP.space, SP.b, SP.a])
        #expect(tokenizer.encode("") == [SP.bos])
    }

    @Test func sentencePieceFallsBackToByteTokens() throws {
        let tokenizer = try HandMadeVocabulary.sentencePiece()
        // "é" is C3 A9 in UTF-8 and not in the vocabulary.
        #expect(tokenizer.encode("é", addSpecialTokens: false) == [SP.space, SP.byte(0xC3), SP.byte(0xA9)])
    }

    @Test func controlTokensAreMatchedOnlyWithParseSpecial() throws {
        let tokenizer = try HandMadeVocabulary.sentencePiece()
        // Unparsed: "▁a<ctl>b" → ▁a, then < c t l > as bytes, then b.
        #expect(
            tokenizer.encode("a<ctl>b", addSpecialTokens: false)
                == [SP.spaceA, SP.byte(0x3C), SP.byte(0x63), SP.byte(0x74), SP.byte(0x6C), SP.byte(0x3E), SP.b])
        // Parsed: "a" <ctl> "b"; text after a special token gets the space prefix again.
        #expect(
            tokenizer.encode("a<ctl>b", addSpecialTokens: false, parseSpecial: true)
                == [SP.spaceA, SP.control, SP.space, SP.b])
        // User-defined tokens are always matched.
        #expect(tokenizer.encode("a<ud>b", addSpecialTokens: false) == [SP.spaceA, SP.userDefined, SP.space, SP.b])
    }

    @Test func withoutASpacePrefixTheFirstWordHasNoSpaceMarker() throws {
        let tokenizer = try HandMadeVocabulary.sentencePiece(addSpacePrefix: false)
        #expect(tokenizer.encode("ab", addSpecialTokens: false) == [SP.ab])
    }

    @Test func byteLevelBPEAppliesMergesByRank() throws {
        // Tokens 256… : or, Ġw, Ġwor, ld, Ġworld. " world" → Ġ w o r l d, merged o+r, Ġ+w, Ġw+or, l+d, Ġwor+ld.
        let tokenizer = try HandMadeVocabulary.byteLevel(
            pre: "qwen2", extraTokens: ["or", "Ġw", "Ġwor", "ld", "Ġworld"],
            merges: ["o r", "Ġ w", "Ġw or", "l d", "Ġwor ld"])
        #expect(tokenizer.encode(" world") == [260])
        // "a 12": words a, " ", 1, 2 → the byte values.
        #expect(tokenizer.encode("a 12") == [97, 32, 49, 50])
    }

    @Test func equalRankMergesGoLeftmostFirst() throws {
        let tokenizer = try HandMadeVocabulary.byteLevel(pre: "qwen2", extraTokens: ["aa"], merges: ["a a"])
        #expect(tokenizer.encode("aaa") == [256, 97])
    }

    @Test func llama3EmitsWholeWordTokensWithoutMerges() throws {
        let llama3 = try HandMadeVocabulary.byteLevel(pre: "llama-bpe", extraTokens: ["Ġhello"])
        #expect(llama3.encode(" hello", addSpecialTokens: false) == [256])
        let qwen2 = try HandMadeVocabulary.byteLevel(pre: "qwen2", extraTokens: ["Ġhello"])
        #expect(qwen2.encode(" hello") == [32, 104, 101, 108, 108, 111])
    }

    @Test func byteLevelControlTokensAreMatchedOnlyWithParseSpecial() throws {
        let tokenizer = try HandMadeVocabulary.byteLevel(pre: "qwen2")
        let imStart: Int32 = 257
        #expect(tokenizer.encode("<|im_start|>x", parseSpecial: true) == [imStart, 120])
        #expect(tokenizer.encode("<|im_start|>x").count == 13)  // 12 characters of the marker, then x
    }

    @Test func endOfGenerationTokensIncludeEOSAndTurnEnds() throws {
        let tokenizer = try HandMadeVocabulary.byteLevel(pre: "qwen2")
        #expect(tokenizer.endOfGenerationTokenIDs == [256, 258])  // <|endoftext|> and <|im_end|>
        #expect(tokenizer.isEndOfGeneration(258))
        #expect(!tokenizer.isEndOfGeneration(257))
    }
}
