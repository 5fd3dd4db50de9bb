import Crypto
import X509

/// A certificate with its freshly generated private key, ready to be written out.
public struct IssuedCertificate: Sendable {
    public let certificate: Certificate
    public let privateKey: P256.Signing.PrivateKey

    /// Writes the certificate (0644) and the key (0600) as PEM files.
    public func write(certificatePath: String, keyPath: String) throws(PKIError) {
        try SecureFile.write(privateKey.pemRepresentation, to: keyPath, permissions: 0o600)
        try SecureFile.write(try PEM.encode(certificate), to: certificatePath, permissions: 0o644)
    }
}
