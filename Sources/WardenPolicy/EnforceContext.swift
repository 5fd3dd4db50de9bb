/// Which request definition, policy type, effect and matcher a request uses: Casbin's `EnforceContext`.
/// The default (`r`, `p`, `e`, `m`) is what a plain `enforce` call uses.
public struct EnforceContext: Sendable, Hashable {
    public var request: String
    public var policy: String
    public var effect: String
    public var matcher: String

    public init(request: String = "r", policy: String = "p", effect: String = "e", matcher: String = "m") {
        self.request = request
        self.policy = policy
        self.effect = effect
        self.matcher = matcher
    }

    /// The numbered context Casbin's `NewEnforceContext("2")` builds: `r2`, `p2`, `e2`, `m2`.
    public static func numbered(_ suffix: String) -> EnforceContext {
        EnforceContext(request: "r" + suffix, policy: "p" + suffix, effect: "e" + suffix, matcher: "m" + suffix)
    }

    public static let standard = EnforceContext()
}

/// Load-time options. Every option can also be set in the model's `[role_manager]` section (a Warden
/// extension that Casbin ignores), which wins over nothing but the defaults here.
public struct PolicyOptions: Sendable {
    /// How many inheritance links a role lookup follows (Go Casbin's default is 10).
    public var maximumHierarchyLevel: Int
    /// Role-name pattern matching per role definition, e.g. `["g2": "keyMatch2"]` (Casbin's `AddNamedMatchingFunc`).
    public var nameMatchingFunctions: [String: String]
    /// Domain pattern matching per role definition, e.g. `["g": "keyMatch"]` (Casbin's `AddNamedDomainMatchingFunc`).
    public var domainMatchingFunctions: [String: String]

    public init(maximumHierarchyLevel: Int = 10, nameMatchingFunctions: [String: String] = [:], domainMatchingFunctions: [String: String] = [:]) {
        self.maximumHierarchyLevel = maximumHierarchyLevel
        self.nameMatchingFunctions = nameMatchingFunctions
        self.domainMatchingFunctions = domainMatchingFunctions
    }
}
