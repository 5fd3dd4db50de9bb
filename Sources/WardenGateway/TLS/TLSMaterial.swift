import NIOSSL
import WardenPKI

/// One consistent generation of the server's TLS material: its NIOSSL context (server certificate and key) and the
/// validator for client certificates (CA bundle, CRL, identity mapping).
///
/// Built completely before it is published, so a broken file on reload is refused and the old generation stays.
struct TLSMaterial: Sendable {
    let context: NIOSSLContext
    let validator: ClientCertificateValidator
    let generation: Int

    static func load(
        configuration: WardenConfiguration.TLS, mapping: IdentityMapping, generation: Int
    ) throws -> TLSMaterial {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(configuration.certificatePath)
        } catch {
            throw ConfigurationError("\(configuration.certificatePath): cannot load server certificate (\(error))")
        }
        do {
            _ = try SecureFile.readPrivate(configuration.privateKeyPath)
            key = try NIOSSLPrivateKey(file: configuration.privateKeyPath, format: .pem)
        } catch let error as PKIError {
            throw ConfigurationError(error.description)
        } catch {
            throw ConfigurationError("\(configuration.privateKeyPath): cannot load server private key (\(error))")
        }
        let trust: TrustMaterial
        do {
            trust = try TrustMaterial.load(caBundlePath: configuration.clientCAPath, crlPath: configuration.crlPath)
        } catch {
            throw ConfigurationError(error.description)
        }
        let caCertificates: [NIOSSLCertificate]
        do {
            caCertificates = try NIOSSLCertificate.fromPEMFile(configuration.clientCAPath)
        } catch {
            throw ConfigurationError("\(configuration.clientCAPath): cannot load CA bundle (\(error))")
        }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = configuration.minimumVersion == "1.3" ? .tlsv13 : .tlsv12
        // Require a client certificate. The chain itself is checked by ClientCertificateValidator (installed as the
        // custom verification callback), so trust roots here only feed the CA names sent to clients.
        tls.certificateVerification = .noHostnameVerification
        tls.trustRoots = .certificates(caCertificates)
        tls.sendCANameList = true
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw ConfigurationError("server certificate and key do not form a usable TLS context (\(error))")
        }
        return TLSMaterial(
            context: context, validator: ClientCertificateValidator(trust: trust, mapping: mapping),
            generation: generation)
    }
}
