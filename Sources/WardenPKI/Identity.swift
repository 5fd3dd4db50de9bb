/// Who is calling, as established by a verified client certificate.
///
/// Built only from the certificate that passed the TLS handshake, never from request headers.
public struct Identity: Sendable, Hashable, Codable {
    /// The canonical subject: the SPIFFE ID when the certificate has one, else `cn:<name>/ou:<team>`.
    public var subject: String
    /// The user (or service) name.
    public var name: String
    /// The team, which is the policy domain.
    public var team: String
    /// Roles in the order the certificate lists them; the first is the one the policy sees.
    public var roles: [String]
    /// Extra attributes for ABAC rules, such as `clearance`.
    public var attributes: [String: String]
    /// The certificate's serial number in lowercase hex, for the audit log.
    public var certificateSerial: String

    public init(
        subject: String, name: String, team: String, roles: [String], attributes: [String: String],
        certificateSerial: String
    ) {
        self.subject = subject
        self.name = name
        self.team = team
        self.roles = roles
        self.attributes = attributes
        self.certificateSerial = certificateSerial
    }

    /// The role the policy decides on; empty when the certificate names none (the default policy then denies).
    public var primaryRole: String { roles.first ?? "" }
}
