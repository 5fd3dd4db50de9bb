import Foundation
import Testing
import SwiftASN1
import WardenPKI
import WardenTesting
import X509

@Suite struct ClientCertificateValidatorTests {
    let pki: TestPKI
    init() throws { pki = try TestPKI() }

    func validator(crl: RevocationList? = nil, mapping: IdentityMapping = IdentityMapping()) throws
        -> ClientCertificateValidator
    {
        let trust = try TrustMaterial(authorities: [pki.authority.certificate], revocationLists: crl.map { [$0] } ?? [])
        return ClientCertificateValidator(trust: trust, mapping: mapping)
    }

    func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }

    @Test func aCertificateFromTheCAIsAcceptedWithItsIdentity() async throws {
        let alice = try pki.client("alice", team: "research", role: "admin", attributes: ["clearance": "3"])
        let outcome = await try validator().validate(chainDER: [der(alice.certificate)])
        guard case .accepted(let identity) = outcome else { Issue.record("expected acceptance, got \(outcome)"); return }
        #expect(identity.subject == "spiffe://warden.local/team/research/user/alice")
        #expect(identity.name == "alice")
        #expect(identity.team == "research")
        #expect(identity.roles == ["admin"])
        #expect(identity.attributes == ["clearance": "3"])
        #expect(identity.certificateSerial.count >= 2)
    }

    @Test func aCertificateFromAnotherCAIsRejectedAsUnknownCA() async throws {
        let mallory = try pki.client("mallory", issuer: pki.otherAuthority)
        let outcome = await try validator().validate(chainDER: [der(mallory.certificate)])
        guard case .rejected(.untrustedIssuer, _) = outcome else { Issue.record("got \(outcome)"); return }
    }

    @Test func anExpiredCertificateIsRejectedAsExpired() async throws {
        let old = try pki.client("old", expired: true)
        let outcome = await try validator().validate(chainDER: [der(old.certificate)])
        guard case .rejected(.expired, _) = outcome else { Issue.record("got \(outcome)"); return }
    }

    @Test func aRevokedCertificateIsRejectedAsRevoked() async throws {
        let bob = try pki.client("bob")
        let carol = try pki.client("carol")
        let list = try pki.authority.signRevocationList(
            revoked: [.init(serialNumber: bob.certificate.serialNumber, revocationDate: Date())])
        let checker = try validator(crl: list)
        guard case .rejected(.revoked, _) = await checker.validate(chainDER: [try der(bob.certificate)]) else {
            Issue.record("bob should be revoked"); return
        }
        guard case .accepted = await checker.validate(chainDER: [try der(carol.certificate)]) else {
            Issue.record("carol is not on the list"); return
        }
    }

    @Test func aServerCertificateCannotBeUsedAsAClientCertificate() async throws {
        let server = try PEM.certificates(atPath: pki.serverCertificatePath)[0]
        let outcome = await try validator().validate(chainDER: [der(server)])
        guard case .rejected(let reason, _) = outcome, reason == .wrongUsage || reason == .untrustedIssuer else {
            Issue.record("got \(outcome)"); return
        }
    }

    @Test func anEmptyChainIsRejectedAsNoCertificate() async throws {
        guard case .rejected(.noCertificate, _) = await try validator().validate(chainDER: []) else {
            Issue.record("expected noCertificate"); return
        }
    }

    @Test func garbageBytesAreRejectedAsMalformed() async throws {
        guard case .rejected(.malformedCertificate, _) = await try validator().validate(chainDER: [[0x30, 0x03, 1, 2]])
        else { Issue.record("expected malformedCertificate"); return }
    }

    @Test func aCertificateFromAnotherTrustDomainIsRejected() async throws {
        let alice = try pki.client("alice")
        let mapping = IdentityMapping(trustDomain: "corp.example")
        guard case .rejected(.identityUnreadable, _) = await try validator(mapping: mapping)
            .validate(chainDER: [der(alice.certificate)])
        else { Issue.record("expected identityUnreadable"); return }
    }

    @Test func enterpriseStyleMappingReadsNameAndTeamFromCNAndOU() async throws {
        let alice = try pki.client("alice", team: "ml", role: "user")
        let mapping = IdentityMapping(
            trustDomain: nil, name: .commonName, team: .organizationalUnit, roles: .uriPrefix("urn:none:"),
            defaultRoles: ["guest"])
        guard case .accepted(let identity) = await try validator(mapping: mapping).validate(chainDER: [der(alice.certificate)])
        else { Issue.record("expected acceptance"); return }
        #expect(identity.name == "alice")
        #expect(identity.team == "ml")
        #expect(identity.roles == ["guest"])
    }
}
