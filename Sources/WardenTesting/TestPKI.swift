import Foundation
import WardenPKI
import X509

/// A complete PKI made fresh for each test run: no key is ever committed (swift-certificates' habit).
///
/// Holds the Warden CA with a server certificate for localhost, and a second, unrelated CA for "wrong issuer" tests.
public struct TestPKI: Sendable {
    public let directory: TemporaryDirectory
    public let authority: CertificateAuthority
    public let otherAuthority: CertificateAuthority
    public let caPath: String
    public let serverCertificatePath: String
    public let serverKeyPath: String

    public init() throws {
        directory = TemporaryDirectory(prefix: "warden-pki")
        authority = try CertificateAuthority.create(commonName: "Warden Test CA")
        otherAuthority = try CertificateAuthority.create(commonName: "Some Other CA")
        caPath = directory.file("ca.crt")
        try authority.write(certificatePath: caPath, keyPath: directory.file("ca.key"))
        let server = try authority.issueServerCertificate(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1", "::1"])
        serverCertificatePath = directory.file("server.crt")
        serverKeyPath = directory.file("server.key")
        try server.write(certificatePath: serverCertificatePath, keyPath: serverKeyPath)
    }

    /// Paths of a client certificate and key written into the test directory.
    public struct ClientFiles: Sendable {
        public let certificatePath: String
        public let keyPath: String
        public let certificate: Certificate
    }

    /// Issues a client certificate from the Warden CA (or `issuer`), optionally already expired.
    public func client(
        _ name: String, team: String = "research", role: String = "user", attributes: [String: String] = [:],
        issuer: CertificateAuthority? = nil, expired: Bool = false
    ) throws -> ClientFiles {
        let ca = issuer ?? authority
        let issued: IssuedCertificate
        if expired {
            let request = ClientCertificateRequest(name: name, team: team, role: role, attributes: attributes)
            let subject = try DistinguishedName {
                OrganizationName("Warden")
                OrganizationalUnitName(team)
                CommonName(name)
            }
            issued = try ca.issue(
                subject: subject, alternativeNames: [.uniformResourceIdentifier(request.spiffeID),
                                                     .uniformResourceIdentifier("urn:warden:role:\(role)")],
                usage: .clientAuth, validityDays: 1, notValidBefore: Date().addingTimeInterval(-10 * 86_400))
        } else {
            issued = try ca.issueClientCertificate(
                ClientCertificateRequest(name: name, team: team, role: role, attributes: attributes))
        }
        let files = ClientFiles(
            certificatePath: directory.file("\(name).crt"), keyPath: directory.file("\(name).key"),
            certificate: issued.certificate)
        try issued.write(certificatePath: files.certificatePath, keyPath: files.keyPath)
        return files
    }

    /// Writes a CRL revoking the given certificates to `crl.pem` and returns its path.
    @discardableResult
    public func writeRevocationList(revoking certificates: [Certificate]) throws -> String {
        let list = try authority.signRevocationList(
            revoked: certificates.map { .init(serialNumber: $0.serialNumber, revocationDate: Date()) })
        let path = directory.file("crl.pem")
        try list.pemString.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
