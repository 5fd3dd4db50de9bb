/// What a client certificate should say about its holder.
///
/// The identity is carried three ways so that any TLS front end can read it: a SPIFFE URI SAN
/// (`spiffe://<trust-domain>/team/<team>/user/<name>`), the subject CN (name) and OU (team). The role and extra
/// attributes travel as `urn:warden:role:<role>` and `urn:warden:attr:<key>=<value>` URI SANs.
public struct ClientCertificateRequest: Sendable, Hashable {
    /// The roles Warden's default policy knows; other values are refused so a typo cannot mint a useless certificate.
    public static let knownRoles: Set<String> = ["user", "guest", "admin", "auditor"]

    public var name: String
    public var team: String
    public var role: String
    public var trustDomain: String
    /// Extra attributes for ABAC rules, such as `clearance=2`.
    public var attributes: [String: String]
    public var validityDays: Int

    public init(
        name: String, team: String, role: String = "user", trustDomain: String = "warden.local",
        attributes: [String: String] = [:], validityDays: Int = 90
    ) {
        self.name = name
        self.team = team
        self.role = role
        self.trustDomain = trustDomain
        self.attributes = attributes
        self.validityDays = validityDays
    }

    /// The SPIFFE ID this request produces.
    public var spiffeID: String { "spiffe://\(trustDomain)/team/\(team)/user/\(name)" }

    /// Checks every field, so that names cannot smuggle path separators or URI syntax into the identity.
    public func validate() throws(PKIError) {
        try Self.checkLabel(name, field: "name")
        try Self.checkLabel(team, field: "team")
        try Self.checkLabel(trustDomain, field: "trust domain")
        guard Self.knownRoles.contains(role) else {
            throw PKIError(.invalidRequest, "unknown role '\(role)'; expected one of \(Self.knownRoles.sorted().joined(separator: ", "))")
        }
        guard (1...3650).contains(validityDays) else {
            throw PKIError(.invalidRequest, "validity must be between 1 and 3650 days, got \(validityDays)")
        }
        for (key, value) in attributes {
            try Self.checkLabel(key, field: "attribute name")
            try Self.checkLabel(value, field: "attribute value of \(key)")
        }
    }

    /// Letters, digits, '.', '_' and '-', 1 to 64 characters, not starting with '.' or '-'.
    static func checkLabel(_ value: String, field: String) throws(PKIError) {
        let allowed = value.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard allowed, (1...64).contains(value.utf8.count), value.first != ".", value.first != "-" else {
            throw PKIError(
                .invalidRequest,
                "invalid \(field) '\(value)': use 1-64 letters, digits, '.', '_' or '-', not starting with '.' or '-'")
        }
    }
}
