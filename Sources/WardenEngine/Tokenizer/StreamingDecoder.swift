/// Turns generated ids into text incrementally. A token can end in the middle of a UTF-8 character (byte-fallback
/// tokens, byte-level BPE); those bytes are held until the character is complete, so each returned string is valid
/// text that can be written to a stream at once. Bytes that can never form a character become U+FFFD.
public struct StreamingDecoder: Sendable {
    private let tokenizer: Tokenizer
    private let renderSpecial: Bool
    private var pending: [UInt8] = []

    init(tokenizer: Tokenizer, renderSpecial: Bool) {
        self.tokenizer = tokenizer
        self.renderSpecial = renderSpecial
    }

    /// Adds one token; returns the text that is now complete (possibly empty).
    public mutating func append(_ id: Int32) -> String {
        pending.append(contentsOf: tokenizer.pieceBytes(id, renderSpecial: renderSpecial))
        let cut = Self.completePrefixLength(pending)
        let text = String(decoding: pending[..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }

    /// Returns whatever is still held (an incomplete character becomes U+FFFD) and empties the decoder.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// The length of the longest prefix that does not end inside a UTF-8 sequence that could still be completed.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        // Look back at most 3 bytes for the start of the last sequence.
        var start = bytes.count
        var continuation = 0
        while start > 0 && continuation < 3 && (bytes[start - 1] & 0xC0) == 0x80 {
            start -= 1
            continuation += 1
        }
        guard start > 0 else { return bytes.count }
        let lead = bytes[start - 1]
        let needed: Int
        switch lead {
        case 0xC2...0xDF: needed = 1
        case 0xE0...0xEF: needed = 2
        case 0xF0...0xF4: needed = 3
        default: return bytes.count  // ASCII, a stray continuation or an invalid lead: nothing to wait for
        }
        return continuation < needed ? start - 1 : bytes.count
    }
}
