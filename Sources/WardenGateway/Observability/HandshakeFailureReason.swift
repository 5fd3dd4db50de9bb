import WardenPKI

/// Why a TLS handshake was refused: the `reason` label of `warden_tls_handshake_failures_total`.
enum HandshakeFailureReason: String, CaseIterable, Sendable {
    case noCertificate = "no_certificate"
    case malformedCertificate = "malformed_certificate"
    case unknownCA = "unknown_ca"
    case expired = "expired"
    case revoked = "revoked"
    case wrongUsage = "wrong_usage"
    case identityUnreadable = "identity_unreadable"
    case protocolVersion = "protocol_version"
    case notTLS = "not_tls"
    case timeout = "timeout"
    case other = "other"

    init(_ rejection: ClientCertificateValidator.Rejection) {
        self = HandshakeFailureReason(rawValue: rejection.rawValue) ?? .other
    }

    /// Classifies a BoringSSL handshake error by the reason strings it carries.
    init?(handshakeError description: String) {
        if description.contains("CERTIFICATE_VERIFY_FAILED") {
            return nil  // counted by the verification callback with its precise reason
        } else if description.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE") || description.contains("CERTIFICATE_REQUIRED") {
            self = .noCertificate
        } else if description.contains("HTTP_REQUEST") || description.contains("WRONG_VERSION_NUMBER") {
            self = .notTLS
        } else if description.contains("UNSUPPORTED_PROTOCOL") || description.contains("VERSION") {
            self = .protocolVersion
        } else {
            self = .other
        }
    }
}
