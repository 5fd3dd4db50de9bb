import WardenPKI

/// What the gateway asks the policy about one request.
///
/// The tuple the default policy expects (see Policies/README.md): `sub` is the caller's attributes, `dom` the team,
/// `obj` the route path with the requested model and its sensitivity, `act` the HTTP method.
public struct AccessRequest: Sendable, Hashable {
    public var identity: Identity
    public var clearance: Int
    public var clientAddress: String
    public var path: String
    public var model: String
    public var sensitivity: Int
    public var method: String
}

/// The policy's answer, with what decided it (for the audit log, never for the client).
public struct AccessDecision: Sendable, Hashable {
    public var allowed: Bool
    /// The deciding rule, e.g. `p, user, research, /v1/*, POST (policy.csv:12)`; empty for the default deny.
    public var rule: String
    public var reason: String
    /// Hashes of the policy files the decision was made with, so an auditor can replay it.
    public var policyVersion: String

    public init(allowed: Bool, rule: String, reason: String, policyVersion: String) {
        self.allowed = allowed
        self.rule = rule
        self.reason = reason
        self.policyVersion = policyVersion
    }
}
