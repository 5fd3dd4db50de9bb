import Foundation

/// Casbin's textual rewriting of matchers and effects, reproduced byte for byte because admins' policies
/// depend on its corner cases.
enum MatcherRewriter {
    /// Go's `EscapeAssertion`: `r.`, `r2.`, `p.`, `p2.` become `r_`, `p_`... only at the start or after one of
    /// `( ) whitespace | & , = ! > < + - * /`, so `"a.p.p.l.e"` in a literal survives. Only the first dot of
    /// `r.sub.Name` is rewritten; the rest is attribute access.
    static func escapeAssertion(_ text: String) -> String {
        var bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let atBoundary = index == 0 || isBoundary(bytes[index - 1])
            if atBoundary, byte == UInt8(ascii: "r") || byte == UInt8(ascii: "p") {
                var end = index + 1
                while end < bytes.count, bytes[end] >= UInt8(ascii: "0"), bytes[end] <= UInt8(ascii: "9") { end += 1 }
                if end < bytes.count, bytes[end] == UInt8(ascii: ".") {
                    bytes[end] = UInt8(ascii: "_")
                    index = end + 1
                    continue
                }
            }
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isBoundary(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"),
            0x0B, 0x0C, UInt8(ascii: "|"), UInt8(ascii: "&"), UInt8(ascii: ","), UInt8(ascii: "="), UInt8(ascii: "!"),
            UInt8(ascii: ">"), UInt8(ascii: "<"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }

    /// The matcher pipeline of Go's `model.AddDef`: escape, cut at the first `#`, and when the text contains
    /// `in` anywhere (even inside a word such as `admin`) turn every `[`/`]` into `(`/`)`.
    static func rewriteMatcher(_ text: String) -> String {
        var value = escapeAssertion(text)
        if let hash = value.firstIndex(of: "#") {
            value = String(value[..<hash]).trimmingWhitespace()
        }
        if value.contains("in") {
            value = String(value.map { $0 == "[" ? "(" : ($0 == "]" ? ")" : $0) })
        }
        return value
    }
}
