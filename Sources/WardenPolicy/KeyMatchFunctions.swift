import Foundation

/// Casbin's path-matching functions, reproducing Go Casbin's `util` package. `keyMatch` compares up to the
/// first `*` only; `keyMatch2`–`5` and the `keyGet` variants turn the pattern into an anchored regular
/// expression, so regex metacharacters in a pattern keep their regex meaning, as in Casbin.
enum KeyMatchFunctions {
    static func keyMatch(_ key1: String, _ key2: String) -> Bool {
        guard let star = key2.utf8.firstIndex(of: UInt8(ascii: "*")) else { return key1 == key2 }
        let prefixLength = key2.utf8.distance(from: key2.utf8.startIndex, to: star)
        let prefix = key2.utf8.prefix(prefixLength)
        if key1.utf8.count > prefixLength {
            return key1.utf8.prefix(prefixLength).elementsEqual(prefix)
        }
        return key1.utf8.elementsEqual(prefix)
    }

    static func keyGet(_ key1: String, _ key2: String) -> String {
        guard let star = key2.utf8.firstIndex(of: UInt8(ascii: "*")) else { return "" }
        let prefixLength = key2.utf8.distance(from: key2.utf8.startIndex, to: star)
        if key1.utf8.count > prefixLength, key1.utf8.prefix(prefixLength).elementsEqual(key2.utf8.prefix(prefixLength)) {
            return String(decoding: key1.utf8.dropFirst(prefixLength), as: UTF8.self)
        }
        return ""
    }

    /// Whether `pattern` has no regular-expression syntax at all (and no `:`/`{}` placeholders), so that
    /// matching it is plain string comparison and needs no regex engine.
    static func isLiteral(_ pattern: String) -> Bool {
        !pattern.utf8.contains { byte in
            switch byte {
            case UInt8(ascii: "\\"), UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "("),
                UInt8(ascii: ")"), UInt8(ascii: "|"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
                UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: ":"):
                return true
            default:
                return false
            }
        }
    }

    static func keyMatch2(_ key1: String, _ key2: String) throws(EvaluationError) -> Bool {
        if isLiteral(key2) { return key1 == key2 }
        return try PatternCache.shared.keyMatch2(key2).matches(key1)
    }

    static func keyMatch3(_ key1: String, _ key2: String) throws(EvaluationError) -> Bool {
        if isLiteral(key2) { return key1 == key2 }
        let pattern = replacingPlaceholders(in: key2.replacingOccurrences(of: "/*", with: "/.*"), style: .braceGreedy, with: "[^/]+")
        return try RegexCache.shared.regex(anchored(pattern)).matches(key1)
    }

    static func keyMatch4(_ key1: String, _ key2: String) throws(EvaluationError) -> Bool {
        var names: [String] = []
        let pattern = replacingPlaceholders(in: key2.replacingOccurrences(of: "/*", with: "/.*"), style: .braceLazy, with: "([^/]+)", names: &names)
        guard let match = try RegexCache.shared.regex(anchored(pattern)).firstMatch(in: key1) else { return false }
        guard match.numberOfRanges - 1 == names.count else {
            throw EvaluationError("keyMatch4: number of tokens is not equal to number of values")
        }
        var seen: [String: Substring] = [:]
        for (offset, name) in names.enumerated() {
            guard let range = Range(match.range(at: offset + 1), in: key1) else { return false }
            let value = key1[range]
            if let previous = seen[name] {
                if previous != value { return false }
            } else {
                seen[name] = value
            }
        }
        return true
    }

    static func keyMatch5(_ key1: String, _ key2: String) throws(EvaluationError) -> Bool {
        var path = key1
        if let question = key1.firstIndex(of: "?") { path = String(key1[..<question]) }
        let pattern = replacingPlaceholders(in: key2.replacingOccurrences(of: "/*", with: "/.*"), style: .braceLazy, with: "[^/]+")
        return try RegexCache.shared.regex(anchored(pattern)).matches(path)
    }

    static func keyGet2(_ key1: String, _ key2: String, _ variable: String) throws(EvaluationError) -> String {
        var names: [String] = []
        let pattern = replacingPlaceholders(in: key2.replacingOccurrences(of: "/*", with: "/.*"), style: .colon, with: "([^/]+)", names: &names)
        return try captured(key1, pattern: pattern, names: names, variable: variable)
    }

    static func keyGet3(_ key1: String, _ key2: String, _ variable: String) throws(EvaluationError) -> String {
        var names: [String] = []
        let pattern = replacingPlaceholders(in: key2.replacingOccurrences(of: "/*", with: "/.*"), style: .braceLazy, with: "([^/]+?)", names: &names)
        return try captured(key1, pattern: pattern, names: names, variable: variable)
    }

    /// Go's `RegexMatch`: an unanchored search (pycasbin anchors it at the start with `re.match`).
    static func regexMatch(_ key1: String, _ key2: String) throws(EvaluationError) -> Bool {
        if isLiteral(key2) { return key2.isEmpty || containsBytes(key1, key2) }
        return try RegexCache.shared.regex(key2).matches(key1)
    }

    private static func containsBytes(_ text: String, _ part: String) -> Bool {
        let haystack = Array(text.utf8)
        let needle = Array(part.utf8)
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    private static func captured(_ key1: String, pattern: String, names: [String], variable: String) throws(EvaluationError) -> String {
        guard let match = try RegexCache.shared.regex(anchored(pattern)).firstMatch(in: key1) else { return "" }
        for (offset, name) in names.enumerated() where name == variable {
            guard offset + 1 < match.numberOfRanges, let range = Range(match.range(at: offset + 1), in: key1) else { return "" }
            return String(key1[range])
        }
        return ""
    }

    /// `^` and `$` as RE2 reads them without flags: the very start and end of the text (ICU's `$` would
    /// also match before a final newline).
    private static func anchored(_ pattern: String) -> String { "\\A" + pattern + "\\z" }

    enum PlaceholderStyle {
        /// `:name` up to the next `/` (Go: `:[^/]+`).
        case colon
        /// `{name}`, greedy up to the last `}` before a `/` (Go keyMatch3: `\{[^/]+\}`).
        case braceGreedy
        /// `{name}`, the shortest (Go keyMatch4/5, keyGet3: `\{[^/]+?\}`).
        case braceLazy
    }

    static func replacingPlaceholders(in text: String, style: PlaceholderStyle, with replacement: String) -> String {
        var ignored: [String] = []
        return replacingPlaceholders(in: text, style: style, with: replacement, names: &ignored)
    }

    /// Replaces placeholders left to right, as Go's `ReplaceAllString` does, collecting their names.
    static func replacingPlaceholders(in text: String, style: PlaceholderStyle, with replacement: String, names: inout [String]) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        var index = 0
        let slash = UInt8(ascii: "/")
        while index < bytes.count {
            let byte = bytes[index]
            switch style {
            case .colon where byte == UInt8(ascii: ":"):
                var end = index + 1
                while end < bytes.count, bytes[end] != slash { end += 1 }
                if end > index + 1 {
                    names.append(String(decoding: bytes[(index + 1)..<end], as: UTF8.self))
                    output.append(contentsOf: replacement.utf8)
                    index = end
                    continue
                }
            case .braceGreedy where byte == UInt8(ascii: "{"), .braceLazy where byte == UInt8(ascii: "{"):
                var end = index + 1
                var close: Int? = nil
                while end < bytes.count, bytes[end] != slash {
                    if bytes[end] == UInt8(ascii: "}"), end > index + 1 {
                        close = end
                        if style == .braceLazy { break }
                    }
                    end += 1
                }
                if let close {
                    names.append(String(decoding: bytes[(index + 1)..<close], as: UTF8.self))
                    output.append(contentsOf: replacement.utf8)
                    index = close + 1
                    continue
                }
            default:
                break
            }
            output.append(byte)
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }
}
