import X509

/// How certificate fields become an ``Identity``.
///
/// Warden's own certificates carry everything in URI SANs; certificates from an enterprise CA often carry only a
/// CN and OUs, so each identity field names its source. Parsing from configuration text: see ``Source/init(parsing:)``.
public struct IdentityMapping: Sendable, Hashable {
    /// Where one identity field is read from.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        /// The `<name>` segment of `spiffe://<trust-domain>/team/<team>/user/<name>`.
        case spiffeUser
        /// The `<team>` segment of the SPIFFE ID.
        case spiffeTeam
        /// The subject's common name (CN).
        case commonName
        /// The subject's organizational units (OU); the first one for single-valued fields.
        case organizationalUnit
        /// The subject's organization (O).
        case organization
        /// URI SANs starting with this prefix; the rest of the URI is the value.
        case uriPrefix(String)

        /// Parses `spiffe-user`, `spiffe-team`, `cn`, `ou`, `o` or `uri-prefix:<prefix>`.
        public init?(parsing text: String) {
            switch text {
            case "spiffe-user": self = .spiffeUser
            case "spiffe-team": self = .spiffeTeam
            case "cn": self = .commonName
            case "ou": self = .organizationalUnit
            case "o": self = .organization
            default:
                guard text.hasPrefix("uri-prefix:"), text.count > "uri-prefix:".count else { return nil }
                self = .uriPrefix(String(text.dropFirst("uri-prefix:".count)))
            }
        }

        public var description: String {
            switch self {
            case .spiffeUser: "spiffe-user"
            case .spiffeTeam: "spiffe-team"
            case .commonName: "cn"
            case .organizationalUnit: "ou"
            case .organization: "o"
            case .uriPrefix(let prefix): "uri-prefix:\(prefix)"
            }
        }
    }

    public static let defaultRolePrefix = "urn:warden:role:"
    public static let defaultAttributePrefix = "urn:warden:attr:"

    /// When set, a SPIFFE ID from any other trust domain is refused.
    public var trustDomain: String?
    public var name: Source
    public var team: Source
    public var roles: Source
    /// URI SANs with this prefix carry `key=value` attributes.
    public var attributePrefix: String
    /// Roles given when the certificate names none (empty: none, so the default policy denies).
    public var defaultRoles: [String]

    public init(
        trustDomain: String? = "warden.local", name: Source = .spiffeUser, team: Source = .spiffeTeam,
        roles: Source = .uriPrefix(IdentityMapping.defaultRolePrefix),
        attributePrefix: String = IdentityMapping.defaultAttributePrefix, defaultRoles: [String] = []
    ) {
        self.trustDomain = trustDomain
        self.name = name
        self.team = team
        self.roles = roles
        self.attributePrefix = attributePrefix
        self.defaultRoles = defaultRoles
    }

    /// Reads the identity from a verified leaf certificate.
    public func identity(from certificate: Certificate) throws(PKIError) -> Identity {
        let fields = try CertificateFields(certificate)
        if let trustDomain, let spiffe = fields.spiffe, spiffe.trustDomain != trustDomain {
            throw PKIError(.invalidRequest, "SPIFFE ID is from trust domain '\(spiffe.trustDomain)', expected '\(trustDomain)'")
        }
        guard let name = fields.values(for: name).first, !name.isEmpty else {
            throw PKIError(.invalidRequest, "certificate has no name in \(self.name)")
        }
        guard let team = fields.values(for: team).first, !team.isEmpty else {
            throw PKIError(.invalidRequest, "certificate has no team in \(self.team)")
        }
        var roles = fields.values(for: roles)
        if roles.isEmpty { roles = defaultRoles }
        var attributes: [String: String] = [:]
        for uri in fields.uris where uri.hasPrefix(attributePrefix) {
            let pair = uri.dropFirst(attributePrefix.count)
            guard let equals = pair.firstIndex(of: "=") else { continue }
            attributes[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        let subject = fields.spiffe?.uri ?? "cn:\(name)/ou:\(team)"
        let serial = certificate.serialNumber.bytes.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        return Identity(
            subject: subject, name: name, team: team, roles: roles, attributes: attributes, certificateSerial: serial)
    }
}
