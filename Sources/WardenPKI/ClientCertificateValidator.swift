import Foundation
import SwiftASN1
import X509

/// Decides whether a peer's certificate chain may open a connection, and who it is.
///
/// Used by the gateway as the TLS verification callback, replacing BoringSSL's own chain check so that the trust
/// material and CRLs can be swapped at run time. The outcome is a value: a rejection carries a stable reason for
/// metrics and logs.
public struct ClientCertificateValidator: Sendable {
    /// Why a handshake was refused; `rawValue` is the metrics label.
    public enum Rejection: String, Sendable, Hashable, CaseIterable {
        case noCertificate = "no_certificate"
        case malformedCertificate = "malformed_certificate"
        case untrustedIssuer = "unknown_ca"
        case expired = "expired"
        case revoked = "revoked"
        case wrongUsage = "wrong_usage"
        case identityUnreadable = "identity_unreadable"
    }

    public enum Outcome: Sendable {
        case accepted(Identity)
        case rejected(Rejection, detail: String)
    }

    public let trust: TrustMaterial
    public let mapping: IdentityMapping

    public init(trust: TrustMaterial, mapping: IdentityMapping) {
        self.trust = trust
        self.mapping = mapping
    }

    /// Validates a chain given leaf first, as DER, at time `now`.
    public func validate(chainDER: [[UInt8]], now: Date = Date()) async -> Outcome {
        guard let leafDER = chainDER.first else { return .rejected(.noCertificate, detail: "no client certificate") }
        let chain: [Certificate]
        do {
            chain = try chainDER.map { try Certificate(derEncoded: $0) }
        } catch {
            return .rejected(.malformedCertificate, detail: "client certificate could not be parsed")
        }
        _ = leafDER
        let leaf = chain[0]
        if now > leaf.notValidAfter { return .rejected(.expired, detail: "certificate expired at \(leaf.notValidAfter)") }
        if now < leaf.notValidBefore { return .rejected(.expired, detail: "certificate not valid before \(leaf.notValidBefore)") }

        var verifier = Verifier(rootCertificates: CertificateStore(trust.authorities)) {
            RFC5280Policy()
            ClientAuthenticationPolicy()
        }
        let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore(Array(chain.dropFirst())))
        let validChain: [Certificate]
        switch result {
        case .validCertificate(let verified):
            validChain = Array(verified)
        case .couldNotValidate(let failures):
            let text = failures.map { String(describing: $0.policyFailureReason) }.joined(separator: "; ")
            if text.contains("extended key usage") { return .rejected(.wrongUsage, detail: text) }
            return .rejected(.untrustedIssuer, detail: failures.isEmpty ? "no chain to a trusted CA" : text)
        }
        for certificate in validChain.dropLast() where trust.isRevoked(certificate) {
            return .rejected(.revoked, detail: "certificate serial \(certificate.serialNumber) is revoked")
        }
        do {
            return .accepted(try mapping.identity(from: leaf))
        } catch {
            return .rejected(.identityUnreadable, detail: error.description)
        }
    }
}

/// Requires the leaf to allow client authentication when it states its extended key usage.
struct ClientAuthenticationPolicy: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [.X509ExtensionID.extendedKeyUsage]

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        guard let usage = try? chain.leaf.extensions.extendedKeyUsage else { return .meetsPolicy }
        if usage.contains(.clientAuth) || usage.contains(.any) { return .meetsPolicy }
        return .failsToMeetPolicy(reason: "leaf certificate's extended key usage does not allow client authentication")
    }
}
