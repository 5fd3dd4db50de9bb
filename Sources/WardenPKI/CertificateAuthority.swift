import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate authority that issues Warden's server and client certificates and signs its revocation list.
///
/// For development, ``create(commonName:validityDays:)`` makes a self-signed P-256 CA; in production an enterprise CA
/// issues the certificates and Warden only needs its bundle (see Certs/README.md).
public struct CertificateAuthority: Sendable {
    public let certificate: Certificate
    let privateKey: P256.Signing.PrivateKey

    /// Makes a new self-signed CA that may sign leaf certificates only (path length 0).
    public static func create(commonName: String = "Warden Development CA", validityDays: Int = 3650) throws(PKIError)
        -> CertificateAuthority
    {
        let key = P256.Signing.PrivateKey()
        let name = try distinguishedName(commonName: commonName, organizationalUnit: nil)
        let now = Date()
        do {
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: .init(key.publicKey),
                notValidBefore: now.addingTimeInterval(-300),
                notValidAfter: now.addingTimeInterval(Double(validityDays) * 86_400),
                issuer: name,
                subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: Certificate.PublicKey(key.publicKey))
                },
                issuerPrivateKey: .init(key))
            return CertificateAuthority(certificate: certificate, privateKey: key)
        } catch {
            throw PKIError(.invalidRequest, "cannot create CA certificate: \(error)")
        }
    }

    /// Loads a CA certificate and its private key (which must be 0600).
    public static func load(certificatePath: String, keyPath: String) throws(PKIError) -> CertificateAuthority {
        guard let certificate = try PEM.certificates(atPath: certificatePath).first else {
            throw PKIError(.malformedDocument, "\(certificatePath): contains no certificate")
        }
        let keyText = try SecureFile.readPrivate(keyPath)
        let key: P256.Signing.PrivateKey
        do {
            key = try P256.Signing.PrivateKey(pemRepresentation: keyText)
        } catch {
            throw PKIError(.malformedDocument, "\(keyPath): not a PEM P-256 private key")
        }
        guard Certificate.PublicKey(key.publicKey) == certificate.publicKey else {
            throw PKIError(.invalidRequest, "\(keyPath) is not the private key of \(certificatePath)")
        }
        return CertificateAuthority(certificate: certificate, privateKey: key)
    }

    /// Writes the CA certificate (0644) and key (0600).
    public func write(certificatePath: String, keyPath: String) throws(PKIError) {
        try IssuedCertificate(certificate: certificate, privateKey: privateKey)
            .write(certificatePath: certificatePath, keyPath: keyPath)
    }

    /// Issues a TLS server certificate for the given DNS names and IP addresses.
    public func issueServerCertificate(
        dnsNames: [String], ipAddresses: [String], validityDays: Int = 825
    ) throws(PKIError) -> IssuedCertificate {
        var names: [GeneralName] = dnsNames.map { .dnsName($0) }
        for address in ipAddresses {
            guard let bytes = IPAddress.bytes(of: address) else {
                throw PKIError(.invalidRequest, "'\(address)' is not an IPv4 or IPv6 address")
            }
            names.append(.ipAddress(ASN1OctetString(contentBytes: bytes[...])))
        }
        let subject = try Self.distinguishedName(commonName: dnsNames.first ?? "warden", organizationalUnit: nil)
        return try issue(
            subject: subject, alternativeNames: names, usage: .serverAuth, validityDays: validityDays)
    }

    /// Issues a client certificate carrying the identity in the request.
    public func issueClientCertificate(_ request: ClientCertificateRequest) throws(PKIError) -> IssuedCertificate {
        try request.validate()
        var names: [GeneralName] = [
            .uniformResourceIdentifier(request.spiffeID),
            .uniformResourceIdentifier(IdentityMapping.defaultRolePrefix + request.role),
        ]
        for (key, value) in request.attributes.sorted(by: { $0.key < $1.key }) {
            names.append(.uniformResourceIdentifier(IdentityMapping.defaultAttributePrefix + "\(key)=\(value)"))
        }
        let subject = try Self.distinguishedName(commonName: request.name, organizationalUnit: request.team)
        return try issue(
            subject: subject, alternativeNames: names, usage: .clientAuth, validityDays: request.validityDays)
    }

    /// Issues a leaf certificate; `notValidBefore`/`notValidAfter` may be overridden (tests make expired certificates).
    public func issue(
        subject: DistinguishedName, alternativeNames: [GeneralName], usage: ExtendedKeyUsage.Usage,
        validityDays: Int, notValidBefore: Date? = nil
    ) throws(PKIError) -> IssuedCertificate {
        let key = P256.Signing.PrivateKey()
        let start = notValidBefore ?? Date().addingTimeInterval(-300)
        do {
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: .init(key.publicKey),
                notValidBefore: start,
                notValidAfter: start.addingTimeInterval(Double(validityDays) * 86_400 + 300),
                issuer: self.certificate.subject,
                subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([usage])
                    SubjectAlternativeNames(alternativeNames)
                    SubjectKeyIdentifier(hash: Certificate.PublicKey(key.publicKey))
                    AuthorityKeyIdentifier(
                        keyIdentifier: try self.certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
                },
                issuerPrivateKey: .init(privateKey))
            return IssuedCertificate(certificate: certificate, privateKey: key)
        } catch {
            throw PKIError(.invalidRequest, "cannot issue certificate: \(error)")
        }
    }

    /// Signs a revocation list naming the given serial numbers; see ``RevocationList``.
    public func signRevocationList(
        revoked: [RevocationList.Entry], thisUpdate: Date = Date(), validityDays: Int = 30
    ) throws(PKIError) -> RevocationList {
        try RevocationList.sign(
            issuer: certificate.subject, revoked: revoked, thisUpdate: thisUpdate,
            nextUpdate: thisUpdate.addingTimeInterval(Double(validityDays) * 86_400), key: privateKey)
    }

    static func distinguishedName(commonName: String, organizationalUnit: String?) throws(PKIError)
        -> DistinguishedName
    {
        do {
            return try DistinguishedName {
                OrganizationName("Warden")
                if let organizationalUnit {
                    OrganizationalUnitName(organizationalUnit)
                }
                CommonName(commonName)
            }
        } catch {
            throw PKIError(.invalidRequest, "invalid distinguished name: \(error)")
        }
    }
}
