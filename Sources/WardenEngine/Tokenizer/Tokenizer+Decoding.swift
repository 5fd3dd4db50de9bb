/// Decoding: ids back to bytes and text, as llama.cpp's `token_to_piece` and `detokenize` do.
extension Tokenizer {
    /// The bytes a token stands for. Control and unknown tokens give nothing unless `renderSpecial` is set (then
    /// their text); user-defined tokens give their text; SentencePiece pieces turn `▁` into spaces; byte tokens
    /// (`<0xNN>`) give one byte; byte-level BPE tokens are mapped back to raw bytes. Invalid ids give nothing.
    /// A piece can be part of a UTF-8 character; use `makeStreamingDecoder` to print text as it is generated.
    public func pieceBytes(_ id: Int32, renderSpecial: Bool = false) -> [UInt8] {
        guard vocabulary.isValid(id) else { return [] }
        let attributes = vocabulary.attributes[Int(id)]
        let text = vocabulary.tokens[Int(id)]
        let special: TokenAttributes = [.unknown, .control]
        if !attributes.isDisjoint(with: special) {
            return renderSpecial ? text : []
        }
        if attributes.contains(.userDefined) { return text }
        if attributes.contains(.normal) {
            switch vocabulary.kind {
            case .sentencePiece: return Self.unescapingSpaces(text)
            case .bytePairEncoding: return ByteLevelMapping.decode(text)
            }
        }
        if attributes.contains(.byte) { return Self.byteTokenValue(text).map { [$0] } ?? [] }
        return []
    }

    /// The text of a whole sequence of ids, as llama.cpp's `detokenize` gives it: a SentencePiece model's leading
    /// space (added by encoding) is removed, and Llama 3-style BPE cleans spaces before punctuation. Invalid UTF-8
    /// is replaced with U+FFFD.
    public func decode(_ ids: [Int32], renderSpecial: Bool = false) -> String {
        var bytes: [UInt8] = []
        var removeLeadingSpace = vocabulary.addSpacePrefix
        for id in ids {
            var piece = pieceBytes(id, renderSpecial: renderSpecial)
            if removeLeadingSpace, piece.first == 0x20 { piece.removeFirst() }
            removeLeadingSpace = false
            bytes.append(contentsOf: piece)
        }
        if vocabulary.cleanSpaces { bytes = Self.cleaningSpaces(bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A decoder that turns ids into text one at a time, holding back an incomplete UTF-8 character until the
    /// tokens that complete it arrive.
    public func makeStreamingDecoder(renderSpecial: Bool = false) -> StreamingDecoder {
        StreamingDecoder(tokenizer: self, renderSpecial: renderSpecial)
    }

    private static func unescapingSpaces(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if index + 2 < bytes.count, bytes[index] == 0xE2, bytes[index + 1] == 0x96, bytes[index + 2] == 0x81 {
                out.append(0x20)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    /// The byte of a `<0xNN>` token.
    private static func byteTokenValue(_ text: [UInt8]) -> UInt8? {
        guard text.count == 6, text[0] == 0x3C, text[1] == 0x30, text[2] == 0x78, text[5] == 0x3E else { return nil }
        return UInt8(String(decoding: text[3...4], as: UTF8.self), radix: 16)
    }

    /// Hugging Face's `clean_up_tokenization_spaces`, as llama.cpp applies it (three in-place passes): drop the
    /// space before `?!.,`, the spaces around a lone apostrophe, and the space before `'s`, `'m`, `'re`, `'ve`.
    private static func cleaningSpaces(_ input: [UInt8]) -> [UInt8] {
        let space: UInt8 = 0x20
        let apostrophe: UInt8 = 0x27
        var text = input
        var total = text.count
        // Pass 1: " ?", " !", " .", " ,".
        let total1 = total
        total = total > 0 ? 1 : 0
        var i = 1
        while i < total1 {
            let x = text[i]
            if text[i - 1] == space && (x == 0x3F || x == 0x21 || x == 0x2E || x == 0x2C) { total -= 1 }
            text[total] = x
            total += 1
            i += 1
        }
        // Pass 2: " ' " becomes "'".
        let total2 = total
        total = total > 0 ? 1 : 0
        i = 1
        while i < total2 {
            let x = text[i]
            if x == apostrophe && i + 1 < total2 && text[i - 1] == space && text[i + 1] == space {
                total -= 1
                i += 1
                text[i] = 0
            }
            text[total] = x
            total += 1
            i += 1
        }
        // Pass 3: " 's", " 'm", " 're", " 've" lose the space.
        let total3 = total
        total = total > 0 ? 1 : 0
        i = 1
        while i < total3 {
            let x = text[i]
            if text[i - 1] == space && x == apostrophe && i + 1 < total3 {
                let x1 = text[i + 1]
                if x1 == 0x73 || x1 == 0x6D {
                    total -= 1
                } else if i + 2 < total3 {
                    let x2 = text[i + 2]
                    if (x1 == 0x72 && x2 == 0x65) || (x1 == 0x76 && x2 == 0x65) { total -= 1 }
                }
            }
            text[total] = x
            total += 1
            i += 1
        }
        return Array(text[..<total])
    }
}
