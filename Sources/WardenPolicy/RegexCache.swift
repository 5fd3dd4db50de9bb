import Foundation
import Synchronization

/// A compiled regular expression; `NSRegularExpression` is immutable and documented as safe to share.
final class CompiledRegex: @unchecked Sendable {
    let expression: NSRegularExpression
    init(_ expression: NSRegularExpression) { self.expression = expression }

    func firstMatch(in text: String) -> NSTextCheckingResult? {
        expression.firstMatch(in: text, options: [], range: NSRange(text.startIndex..., in: text))
    }

    func matches(_ text: String) -> Bool { firstMatch(in: text) != nil }
}

/// Compiles each distinct pattern once. Patterns come mostly from the policy, so the cache stays small; it is
/// bounded anyway, because a matcher may also build patterns from request values.
final class RegexCache: Sendable {
    static let shared = RegexCache()
    static let maximumEntries = 4096
    /// Patterns longer than this are refused rather than compiled.
    static let maximumPatternLength = 4096

    private let storage = Mutex<[String: CompiledRegex]>([:])

    func regex(_ pattern: String) throws(EvaluationError) -> CompiledRegex {
        if let cached = storage.withLock({ $0[pattern] }) { return cached }
        guard pattern.utf8.count <= RegexCache.maximumPatternLength else {
            throw EvaluationError("regular expression is longer than \(RegexCache.maximumPatternLength) bytes")
        }
        let compiled: CompiledRegex
        do {
            compiled = CompiledRegex(try NSRegularExpression(pattern: pattern, options: []))
        } catch {
            throw EvaluationError("invalid regular expression '\(pattern.prefix(200))'")
        }
        storage.withLock { cache in
            if cache.count >= RegexCache.maximumEntries { cache.removeAll(keepingCapacity: true) }
            cache[pattern] = compiled
        }
        return compiled
    }
}
