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
    public let allowed: Bool
    /// The rules that decided (the first matching allow or deny rule); empty when no rule decided, e.g. a
    /// deny by default or an allow under deny-override because nothing denied.
    public let rules: [MatchedRule]
    /// A short reason for logs and `--explain`: which rule decided, or why nothing did. It never contains
    /// request values.
    public let reason: String
    /// Set when evaluation failed (wrong request size, type mismatch, invalid IP); the request is denied.
    public let error: PolicyError?

    public init(allowed: Bool, rules: [MatchedRule], reason: String, error: PolicyError? = nil) {
        self.allowed = allowed
        self.rules = rules
        self.reason = reason
        self.error = error
    }

    static func failure(_ message: String) -> Decision {
        Decision(allowed: false, rules: [], reason: "error: \(message)", error: PolicyError(.evaluationFailed, message))
    }
}
