import Testing
import WardenEngine

/// Random text through every tokenizer: encoding must not crash, every id must be in the vocabulary, and the pieces
/// of the ids must give the text back (both kinds are lossless thanks to byte fallback, except that SentencePiece
/// reads a literal `▁` as a space and adds a leading space when the model asks). Seeded and bounded.
@Suite struct TokenizerFuzzTests {
    /// Characters that exercise the pre-tokenizers' classes: letters of several scripts, digits, marks, emoji with
    /// joiners, every kind of whitespace, punctuation, and special-token look-alikes.
    private static let pool: [String] = [
        "a", "Z", "é", "ß", "ж", "中", "語", "한", "ا", "٣", "7", "0", "²", "\u{301}", "\u{FE0F}", "\u{200D}", "👍", "🏽",
        "🦙", " ", "  ", "\t", "\n", "\r\n", "\u{00A0}", "\u{3000}", "\u{2028}", "'", "'s", "'LL", ".", ",", "!", "?",
        "<", ">", "|", "<|im_start|>", "<start_of_turn>", "▁", "\u{0}", "\u{7F}", "\u{FFFD}", "Ω", "K", "！", "①",
    ]

    private static func randomText(using rng: inout SeededGenerator) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...24, using: &rng) {
            if Int.random(in: 0..<4, using: &rng) == 0 {
                let value = UInt32.random(in: 1...0x2FFFF, using: &rng)
                if let scalar = Unicode.Scalar(value) { text.unicodeScalars.append(scalar) }
            } else {
                text += pool.randomElement(using: &rng)!
            }
        }
        return text
    }

    private func fuzz(_ tokenizer: Tokenizer, iterations: Int, seed: UInt64, spacePrefix: Bool = false) {
        for iteration in 0..<iterations {
            var rng = SeededGenerator(seed: seed &+ UInt64(iteration))
            let text = Self.randomText(using: &rng)
            let ids = tokenizer.encode(text, addSpecialTokens: false)
            #expect(ids.allSatisfy { $0 >= 0 && Int($0) < tokenizer.vocabularySize }, "iteration \(iteration)")
            let pieces = String(decoding: ids.flatMap { tokenizer.pieceBytes($0) }, as: UTF8.self)
            var expected = text
            if tokenizer.kind == .sentencePiece {
                var scalars = String.UnicodeScalarView()
                scalars.append(contentsOf: text.unicodeScalars.map { $0 == "▁" ? " " : $0 })
                expected = (spacePrefix && !text.isEmpty ? " " : "") + String(scalars)
            }
            #expect(pieces == expected, "iteration \(iteration)")
            _ = tokenizer.encode(text, addSpecialTokens: true, parseSpecial: true)
        }
    }

    @Test func randomTextRoundTripsThroughTheTinyLlamaTokenizer() throws {
        fuzz(
            try Tokenizer(gguf: GGUFFile(path: GGUFFixtures.tinyLlamaPath)), iterations: 400, seed: 0x11, spacePrefix: true)
    }

    @Test func randomTextRoundTripsThroughTheTinyQwen2Tokenizer() throws {
        fuzz(try Tokenizer(gguf: GGUFFile(path: GGUFFixtures.tinyQwen2Path)), iterations: 400, seed: 0x22)
    }

    @Test(arguments: ["llama-bpe", "deepseek-llm"])
    func randomTextRoundTripsThroughOtherPreTokenizers(pre: String) throws {
        fuzz(try HandMadeVocabulary.byteLevel(pre: pre), iterations: 400, seed: 0x33)
    }

    @Test func randomTextRoundTripsThroughTheGemmaTokenizer() throws {
        fuzz(try Tokenizer(gguf: GGUFFile(path: try GGUFFixtures.gemmaModelPath())), iterations: 200, seed: 0x44)
    }
}
