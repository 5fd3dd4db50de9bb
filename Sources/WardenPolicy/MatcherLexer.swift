/// A lexical token of a matcher expression.
struct MatcherToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case identifier(String)  // r_sub, p_obj, keyMatch, r_sub.Name (attribute path included)
        case number(Double)
        case string(String)
        case op(String)  // && || ! == != < > <= >= + - * / % ( ) ,
        case keywordIn
        case end
    }
    let kind: Kind
    /// Byte offset into the matcher text, for error columns.
    let offset: Int
}

/// Splits a rewritten matcher into tokens, following govaluate's lexical rules for the subset Casbin uses.
enum MatcherLexer {
    static let maximumLength = 64 * 1024

    static func tokenize(_ text: String) throws(MatcherSyntaxError) -> [MatcherToken] {
        let bytes = Array(text.utf8)
        if bytes.count > maximumLength {
            throw MatcherSyntaxError(message: "matcher is longer than \(maximumLength) bytes", offset: 0)
        }
        var tokens: [MatcherToken] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                index += 1
                continue
            }
            let start = index
            if isIdentifierStart(byte) {
                while index < bytes.count, isIdentifierPart(bytes[index]) || bytes[index] == UInt8(ascii: ".") { index += 1 }
                let word = String(decoding: bytes[start..<index], as: UTF8.self)
                if word.hasSuffix(".") || word.contains("..") {
                    throw MatcherSyntaxError(message: "malformed attribute access '\(word)'", offset: start)
                }
                tokens.append(MatcherToken(kind: word == "in" ? .keywordIn : .identifier(word), offset: start))
                continue
            }
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                while index < bytes.count, (bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9")) || bytes[index] == UInt8(ascii: ".") { index += 1 }
                let literal = String(decoding: bytes[start..<index], as: UTF8.self)
                guard let value = Double(literal) else {
                    throw MatcherSyntaxError(message: "malformed number '\(literal)'", offset: start)
                }
                tokens.append(MatcherToken(kind: .number(value), offset: start))
                continue
            }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                index += 1
                var value: [UInt8] = []
                var closed = false
                while index < bytes.count {
                    let current = bytes[index]
                    if current == UInt8(ascii: "\\"), index + 1 < bytes.count {
                        value.append(bytes[index + 1])
                        index += 2
                        continue
                    }
                    if current == byte {
                        closed = true
                        index += 1
                        break
                    }
                    value.append(current)
                    index += 1
                }
                if !closed { throw MatcherSyntaxError(message: "string literal is not closed", offset: start) }
                tokens.append(MatcherToken(kind: .string(String(decoding: value, as: UTF8.self)), offset: start))
                continue
            }
            let next: UInt8 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let twoByte: String? = switch (byte, next) {
            case (UInt8(ascii: "&"), UInt8(ascii: "&")): "&&"
            case (UInt8(ascii: "|"), UInt8(ascii: "|")): "||"
            case (UInt8(ascii: "="), UInt8(ascii: "=")): "=="
            case (UInt8(ascii: "!"), UInt8(ascii: "=")): "!="
            case (UInt8(ascii: "<"), UInt8(ascii: "=")): "<="
            case (UInt8(ascii: ">"), UInt8(ascii: "=")): ">="
            default: nil
            }
            if let twoByte {
                tokens.append(MatcherToken(kind: .op(twoByte), offset: start))
                index += 2
                continue
            }
            switch byte {
            case UInt8(ascii: "!"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "*"),
                UInt8(ascii: "/"), UInt8(ascii: "%"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ","):
                tokens.append(MatcherToken(kind: .op(String(UnicodeScalar(byte))), offset: start))
                index += 1
            default:
                let shown = byte < 0x80 ? String(UnicodeScalar(byte)) : "non-ASCII byte"
                throw MatcherSyntaxError(message: "unexpected character '\(shown)'", offset: start)
            }
        }
        tokens.append(MatcherToken(kind: .end, offset: bytes.count))
        return tokens
    }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
    }

    private static func isIdentifierPart(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}

/// A syntax error with its byte offset in the matcher; the compiler turns it into a `PolicyError` with a location.
struct MatcherSyntaxError: Error, Sendable {
    let message: String
    let offset: Int
}
