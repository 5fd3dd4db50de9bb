/// A rule that took part in a decision, as the audit log records it.
public struct MatchedRule: Sendable, Hashable, CustomStringConvertible {
    /// `p`, `p2`...
    public let ptype: String
    /// The rule's fields in model order (without the ptype).
    public let values: [String]
    /// File and line of the rule in the policy file.
    public let location: SourceLocation

    /// `p, alice, data1, read (policy.csv:3)`.
    public var description: String {
        ([ptype] + values).joined(separator: ", ") + " (\(location.file):\(location.line))"
    }
}

/// The outcome of one request: values, never thrown, so a caller cannot forget to deny on failure.
public struct Decision: Sendable, Hashable {
    /// Why the decision came out as it did; the text of `reason` is built from this only when asked for,
    /// so deciding stays cheap.
    enum Outcome: Sendable, Hashable {
        case allowedByRule, deniedByRule, allowedNoDeny, allowedNoDenyMatched, deniedNoAllow, deniedNoMatch
        case matcherHolds, matcherFails, failed(String)
    }

    public let allowed: Bool
    /// The rules that decided (the first matching allow or deny rule); empty when no rule decided, e.g. a
    /// deny by default or an allow under deny-override because nothing denied.
    public let rules: [MatchedRule]
    /// Set when evaluation failed (wrong request size, type mismatch, invalid IP); the request is denied.
    public let error: PolicyError?
    let outcome: Outcome

    init(allowed: Bool, rules: [MatchedRule], outcome: Outcome, error: PolicyError? = nil) {
        self.allowed = allowed
        self.rules = rules
        self.outcome = outcome
        self.error = error
    }

    /// A short reason for logs and `--explain`: which rule decided, or why nothing did. It never contains
    /// request values.
    public var reason: String {
        let rule = rules.first.map(\.description) ?? ""
        switch outcome {
        case .allowedByRule: return "allowed by \(rule)"
        case .deniedByRule: return "denied by \(rule)"
        case .allowedNoDeny: return "allowed: no rule denies the request"
        case .allowedNoDenyMatched: return "allowed: no rule denies (matched \(rule))"
        case .deniedNoAllow: return "denied: no rule allows the request"
        case .deniedNoMatch: return "denied: no rule matches the request"
        case .matcherHolds: return "allowed: the matcher holds without rules"
        case .matcherFails: return "denied: the matcher does not hold"
        case .failed(let message): return "error: \(message)"
        }
    }

    static func failure(_ message: String) -> Decision {
        Decision(allowed: false, rules: [], outcome: .failed(message), error: PolicyError(.evaluationFailed, message))
    }
}
