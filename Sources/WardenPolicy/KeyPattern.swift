import Foundation
import Synchronization

/// A `keyMatch2` pattern prepared once: the common REST shapes (`/v1/models/:id`, `/admin/*`) are matched
/// segment by segment with Go's regex semantics, anything else through the regular expression Casbin builds.
enum KeyPattern: Sendable {
    enum Segment: Sendable {
        case literal(Substring)
        /// `:name`: one or more characters other than `/` (Go: `[^/]+`).
        case parameter
    }

    /// Segments, and whether the pattern ends in `/*` (Go: `/.*`, where `.` is anything but a newline).
    case segments([Segment], trailingWildcard: Bool)
    case regex(CompiledRegex)
    case invalid(String)

    init(keyMatch2 pattern: String) {
        if let simple = KeyPattern.simple(pattern) {
            self = simple
            return
        }
        let converted = KeyMatchFunctions.replacingPlaceholders(in: pattern.replacingOccurrences(of: "/*", with: "/.*"), style: .colon, with: "[^/]+")
        do {
            self = .regex(try RegexCache.shared.regex("\\A" + converted + "\\z"))
        } catch {
            self = .invalid(error.message)
        }
    }

    private static func simple(_ pattern: String) -> KeyPattern? {
        var body = Substring(pattern)
        var wildcard = false
        if body.hasSuffix("/*") {
            body = body.dropLast(2)
            wildcard = true
        }
        var segments: [Segment] = []
        for part in body.split(separator: "/", omittingEmptySubsequences: false) {
            if part.hasPrefix(":"), part.count > 1 {
                segments.append(.parameter)
            } else if KeyMatchFunctions.isLiteral(String(part)) {
                segments.append(.literal(part))
            } else {
                return nil
            }
        }
        return .segments(segments, trailingWildcard: wildcard)
    }

    func matches(_ key: String) throws(EvaluationError) -> Bool {
        switch self {
        case .invalid(let message): throw EvaluationError(message)
        case .regex(let regex): return regex.matches(key)
        case .segments(let segments, let wildcard):
            let parts = key.split(separator: "/", omittingEmptySubsequences: false)
            if wildcard {
                guard parts.count > segments.count else { return false }
                for part in parts[segments.count...] where part.contains("\n") { return false }
            } else {
                guard parts.count == segments.count else { return false }
            }
            for (segment, part) in zip(segments, parts) {
                switch segment {
                case .literal(let text): if part != text { return false }
                case .parameter: if part.isEmpty { return false }
                }
            }
            return true
        }
    }
}

/// Prepared `keyMatch2` patterns and `ipMatch` networks by pattern text, so a rule's pattern is converted
/// once rather than on every request. Bounded like `RegexCache`.
final class PatternCache: Sendable {
    static let shared = PatternCache()
    static let maximumEntries = 8192

    private let keyPatterns = Mutex<[String: KeyPattern]>([:])
    private let networks = Mutex<[String: IPAddressMatcher.Network]>([:])

    func keyMatch2(_ pattern: String) -> KeyPattern {
        if let cached = keyPatterns.withLock({ $0[pattern] }) { return cached }
        let prepared = KeyPattern(keyMatch2: pattern)
        keyPatterns.withLock { cache in
            if cache.count >= PatternCache.maximumEntries { cache.removeAll(keepingCapacity: true) }
            cache[pattern] = prepared
        }
        return prepared
    }

    func network(_ pattern: String) -> IPAddressMatcher.Network {
        if let cached = networks.withLock({ $0[pattern] }) { return cached }
        let prepared = IPAddressMatcher.Network(pattern)
        networks.withLock { cache in
            if cache.count >= PatternCache.maximumEntries { cache.removeAll(keepingCapacity: true) }
            cache[pattern] = prepared
        }
        return prepared
    }
}
