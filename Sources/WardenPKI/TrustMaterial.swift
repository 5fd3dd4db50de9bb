import X509

/// The CA bundle and revocation lists against which client certificates are checked.
///
/// Loaded as a unit and swapped as a unit on reload, so a handshake never sees a new CA with an old CRL.
/// A CRL that is not signed by one of the bundle's CAs is refused: revocation fails closed.
public struct TrustMaterial: Sendable {
    public let authorities: [Certificate]
    public let revocationLists: [RevocationList]

    public init(authorities: [Certificate], revocationLists: [RevocationList] = []) throws(PKIError) {
        guard !authorities.isEmpty else {
            throw PKIError(.malformedDocument, "the CA bundle holds no certificate")
        }
        for list in revocationLists where !authorities.contains(where: { list.isSigned(by: $0) }) {
            throw PKIError(.untrustedRevocationList, "revocation list from \(list.issuer) is not signed by a trusted CA")
        }
        self.authorities = authorities
        self.revocationLists = revocationLists
    }

    /// Loads the bundle and, if given, the CRL file.
    public static func load(caBundlePath: String, crlPath: String?) throws(PKIError) -> TrustMaterial {
        let authorities = try PEM.certificates(atPath: caBundlePath)
        var lists: [RevocationList] = []
        if let crlPath { lists.append(try RevocationList.load(path: crlPath)) }
        return try TrustMaterial(authorities: authorities, revocationLists: lists)
    }

    /// Whether a CRL issued by `issuer` lists the certificate.
    func isRevoked(_ certificate: Certificate) -> Bool {
        revocationLists.contains { $0.issuer == certificate.issuer && $0.isRevoked(certificate) }
    }
}
