import Testing
@testable import WardenEngine

/// The pre-tokenizers' word splits, each expected list worked out by hand from the pre-tokenizer's regex
/// (see the doc comments of `Llama3PreTokenizer` and `DeepSeekLLMPreTokenizer`).
@Suite struct PreTokenizerTests {
    private func words(_ text: String, _ preTokenizer: PreTokenizer) -> [String] {
        let scalars = Array(text.unicodeScalars)
        return Tokenizer.split(scalars, with: preTokenizer).map { range in
            var word = String.UnicodeScalarView()
            word.append(contentsOf: scalars[range])
            return String(word)
        }
    }

    @Test func llama3SplitsLettersContractionsAndNumbersInThrees() {
        #expect(words("Hello world", .llama3) == ["Hello", " world"])
        #expect(words("I'm don't THEY'RE", .llama3) == ["I", "'m", " don", "'t", " THEY", "'RE"])
        #expect(words("12345678", .llama3) == ["123", "456", "78"])
        #expect(words("$100", .llama3) == ["$", "100"])
        #expect(words(" 42", .llama3) == [" ", "42"])
        #expect(words("café über 日本語", .llama3) == ["café", " über", " 日本語"])
    }

    @Test func llama3KeepsTheLastSpaceOfARunForTheNextWord() {
        #expect(words("a  b", .llama3) == ["a", " ", " b"])
        #expect(words("end   ", .llama3) == ["end", "   "])
        #expect(words("x\n\n  y", .llama3) == ["x", "\n\n", " ", " y"])
        #expect(words("hi!!!\n\nok", .llama3) == ["hi", "!!!\n\n", "ok"])
        #expect(words("a\u{00A0}b", .llama3) == ["a", "\u{00A0}b"])  // one non-letter may lead a word
    }

    @Test func qwen2AndDeepSeekR1QwenSplitDigitsOneByOne() {
        #expect(PreTokenizer(ggufName: "deepseek-r1-qwen") == .qwen2)
        #expect(words("12345", .qwen2) == ["1", "2", "3", "4", "5"])
        #expect(words("abc123def", .qwen2) == ["abc", "1", "2", "3", "def"])
        #expect(words("Hello, world!", .qwen2) == ["Hello", ",", " world", "!"])
    }

    @Test func deepSeekLLMAppliesItsSixPatternsInOrder() {
        #expect(words("Hello, world!\n", .deepseekLLM) == ["Hello", ",", " world", "!", "\n"])
        #expect(words("价格是100元", .deepseekLLM) == ["价格是", "100", "元"])
        #expect(words("x  \t", .deepseekLLM) == ["x", "  \t"])
        #expect(words("ab  cd", .deepseekLLM) == ["ab", " ", " cd"])
        #expect(words("a1b2", .deepseekLLM) == ["a", "1", "b", "2"])
        #expect(words("！？", .deepseekLLM) == ["！？"])
        #expect(words("①②", .deepseekLLM) == ["①②"])  // U+2460… lie in the U+0800–U+4E00 range of pattern 5
        #expect(words("a\u{3000}b", .deepseekLLM) == ["a", "\u{3000}b"])  // U+3000 is whitespace, not punctuation
    }

    @Test func unsupportedPreTokenizerNamesAreNotGuessed() {
        #expect(PreTokenizer(ggufName: "gpt-4o") == nil)
        #expect(PreTokenizer(ggufName: "") == nil)
    }
}
