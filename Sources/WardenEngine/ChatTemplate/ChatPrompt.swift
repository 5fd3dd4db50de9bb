/// A rendered conversation: the prompt text, plus where in it the messages' own content lies.
///
/// The content ranges matter for safety: the template's turn markers must become control tokens, but a user who
/// types `<end_of_turn>` or `<|im_start|>` must not be able to forge a turn. `Tokenizer.encode(_: ChatPrompt)`
/// therefore matches control tokens only outside these ranges.
public struct ChatPrompt: Sendable, Equatable {
    /// The whole prompt (without BOS; the tokenizer adds it as the model asks).
    public private(set) var text: String = ""
    /// The UTF-8 byte ranges of `text` that hold message content.
    public private(set) var contentByteRanges: [Range<Int>] = []

    public init() {}

    /// Appends template text (turn markers and the like).
    mutating func appendMarkup(_ markup: String) {
        text += markup
    }

    /// Appends message content, recording its range.
    mutating func appendContent(_ content: String) {
        let start = text.utf8.count
        text += content
        if !content.isEmpty { contentByteRanges.append(start..<text.utf8.count) }
    }
}
