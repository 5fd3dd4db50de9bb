/// `globMatch(name, pattern)` with the semantics of the doublestar package that current Go Casbin uses:
/// `*` matches within one path segment, `**` as a whole segment matches any number of segments, `?` one
/// character other than `/`, `[...]`/`[!...]`/`[^...]` a class, `{a,b}` alternatives, `\` escapes.
/// A malformed pattern is an evaluation error.
enum GlobMatcher {
    static let maximumSteps = 200_000

    static func globMatch(_ name: String, _ pattern: String) throws(EvaluationError) -> Bool {
        let expanded = try expandBraces(Array(pattern.unicodeScalars), depth: 0)
        let text = Array(name.unicodeScalars)
        var budget = maximumSteps
        for alternative in expanded {
            if try match(alternative, 0, text, 0, &budget) { return true }
        }
        return false
    }

    private static func expandBraces(_ pattern: [Unicode.Scalar], depth: Int) throws(EvaluationError) -> [[Unicode.Scalar]] {
        guard depth < 16 else { throw EvaluationError("glob pattern nests braces too deeply") }
        var index = 0
        while index < pattern.count {
            if pattern[index] == "\\" { index += 2; continue }
            if pattern[index] == "[" {
                while index < pattern.count, pattern[index] != "]" { index += 1 }
                index += 1
                continue
            }
            if pattern[index] == "{" {
                var level = 0
                var options: [[Unicode.Scalar]] = []
                var current: [Unicode.Scalar] = []
                var cursor = index + 1
                var closed = false
                while cursor < pattern.count {
                    let scalar = pattern[cursor]
                    if scalar == "\\", cursor + 1 < pattern.count {
                        current += [scalar, pattern[cursor + 1]]
                        cursor += 2
                        continue
                    }
                    if scalar == "{" { level += 1 }
                    if scalar == "}" {
                        if level == 0 { closed = true; break }
                        level -= 1
                    }
                    if scalar == ",", level == 0 {
                        options.append(current)
                        current = []
                    } else {
                        current.append(scalar)
                    }
                    cursor += 1
                }
                guard closed else { throw EvaluationError("glob pattern has an unclosed '{'") }
                options.append(current)
                let prefix = Array(pattern[..<index])
                let suffix = Array(pattern[(cursor + 1)...])
                var results: [[Unicode.Scalar]] = []
                for option in options {
                    results += try expandBraces(prefix + option + suffix, depth: depth + 1)
                    if results.count > 1024 { throw EvaluationError("glob pattern expands to too many alternatives") }
                }
                return results
            }
            index += 1
        }
        return [pattern]
    }

    private static func match(
        _ pattern: [Unicode.Scalar], _ p: Int, _ text: [Unicode.Scalar], _ t: Int, _ budget: inout Int
    ) throws(EvaluationError) -> Bool {
        budget -= 1
        if budget < 0 { throw EvaluationError("glob pattern is too expensive to evaluate") }
        var p = p
        var t = t
        while p < pattern.count {
            let scalar = pattern[p]
            switch scalar {
            case "*":
                let segmentStart = p == 0 || pattern[p - 1] == "/"
                if p + 1 < pattern.count, pattern[p + 1] == "*", segmentStart, p + 2 == pattern.count || pattern[p + 2] == "/" {
                    // `**` segment: try to skip any number of whole segments.
                    let rest = p + 2 == pattern.count ? p + 2 : p + 3
                    if p + 2 == pattern.count { return true }
                    var cursor = t
                    while true {
                        if try match(pattern, rest, text, cursor, &budget) { return true }
                        while cursor < text.count, text[cursor] != "/" { cursor += 1 }
                        if cursor >= text.count { return false }
                        cursor += 1
                    }
                }
                var next = p + 1
                while next < pattern.count, pattern[next] == "*" { next += 1 }
                var cursor = t
                while true {
                    if try match(pattern, next, text, cursor, &budget) { return true }
                    if cursor >= text.count || text[cursor] == "/" { return false }
                    cursor += 1
                }
            case "?":
                guard t < text.count, text[t] != "/" else { return false }
            case "[":
                guard t < text.count else {
                    _ = try classEnd(pattern, p)
                    return false
                }
                let (matched, end) = try matchClass(pattern, p, text[t])
                if !matched || text[t] == "/" { return false }
                p = end
                t += 1
                continue
            case "\\":
                guard p + 1 < pattern.count else { throw EvaluationError("glob pattern ends with '\\'") }
                guard t < text.count, text[t] == pattern[p + 1] else { return false }
                p += 2
                t += 1
                continue
            default:
                guard t < text.count, text[t] == scalar else { return false }
            }
            p += 1
            t += 1
        }
        return t == text.count
    }

    private static func classEnd(_ pattern: [Unicode.Scalar], _ start: Int) throws(EvaluationError) -> Int {
        var index = start + 1
        if index < pattern.count, pattern[index] == "!" || pattern[index] == "^" { index += 1 }
        if index < pattern.count, pattern[index] == "]" { index += 1 }
        while index < pattern.count, pattern[index] != "]" {
            if pattern[index] == "\\" { index += 1 }
            index += 1
        }
        guard index < pattern.count else { throw EvaluationError("glob pattern has an unclosed '['") }
        return index + 1
    }

    private static func matchClass(_ pattern: [Unicode.Scalar], _ start: Int, _ scalar: Unicode.Scalar) throws(EvaluationError) -> (Bool, Int) {
        let end = try classEnd(pattern, start)
        var index = start + 1
        var negate = false
        if pattern[index] == "!" || pattern[index] == "^" { negate = true; index += 1 }
        var matched = false
        var first = true
        while index < end - 1 {
            var low = pattern[index]
            if low == "]", !first { break }
            first = false
            if low == "\\" { index += 1; low = pattern[index] }
            var high = low
            if index + 2 < end - 1, pattern[index + 1] == "-" {
                high = pattern[index + 2]
                if high == "\\" { index += 1; high = pattern[index + 2] }
                index += 2
                if high.value < low.value { throw EvaluationError("glob pattern has a reversed range") }
            }
            if scalar.value >= low.value, scalar.value <= high.value { matched = true }
            index += 1
        }
        return (matched != negate, end)
    }
}
