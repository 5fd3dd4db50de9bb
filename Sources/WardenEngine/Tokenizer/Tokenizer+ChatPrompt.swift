/// Tokenizing rendered chat prompts.
extension Tokenizer {
    /// Tokenizes a prompt rendered by `ChatTemplate`: the template's markup is parsed for control tokens (so
    /// `<start_of_turn>` becomes one token), the messages' content is not (so a user cannot forge a turn marker).
    /// For content without special-token text the ids equal `encode(prompt.text, parseSpecial: true)`, which is
    /// what llama.cpp produces for the same prompt.
    /// - Parameter addSpecialTokens: add BOS/EOS as the model's metadata asks.
    public func encode(_ prompt: ChatPrompt, addSpecialTokens: Bool = true) -> [Int32] {
        encode(
            utf8: Array(prompt.text.utf8), addSpecialTokens: addSpecialTokens, parseSpecial: true,
            protectedRanges: prompt.contentByteRanges)
    }
}
