import Foundation
import Testing
@testable import WardenGateway
import WardenTesting

@Suite(.serialized) struct HandshakeTests {
    @Test func aClientCertificateFromTheCAGetsTheModelList() async throws {
        let server = try await RunningGateway()
        defer { Task { await server.stop() } }
        let alice = try server.pki.client("alice")
        let result = try await server.curl(alice).request(server.baseURL + "/v1/models")
        #expect(result.status == 200, "\(result.stderr) \(result.body)")
        #expect(result.body.contains(#""object":"list""#))
        #expect(result.header("content-type") == "application/json")
        await server.stop()
    }

    @Test func noClientCertificateFailsInTheHandshake() async throws {
        let server = try await RunningGateway()
        let result = try await server.curl(nil).request(server.baseURL + "/v1/models")
        #expect(result.status == 0, "no HTTP response may be given without a certificate")
        #expect(result.exitCode != 0)
        await server.stop()
    }

    @Test func aCertificateFromAnotherCAFailsInTheHandshake() async throws {
        let server = try await RunningGateway()
        let mallory = try server.pki.client("mallory", issuer: server.pki.otherAuthority)
        let result = try await server.curl(mallory).request(server.baseURL + "/v1/models")
        #expect(result.status == 0)
        let metrics = server.gateway.metrics.exposition()
        #expect(metrics.contains(#"warden_tls_handshake_failures_total{reason="unknown_ca"} 1"#), "\(metrics)")
        await server.stop()
    }

    @Test func anExpiredCertificateFailsInTheHandshake() async throws {
        let server = try await RunningGateway()
        let old = try server.pki.client("old", expired: true)
        let result = try await server.curl(old).request(server.baseURL + "/v1/models")
        #expect(result.status == 0)
        #expect(server.gateway.metrics.exposition().contains(#"warden_tls_handshake_failures_total{reason="expired"} 1"#))
        await server.stop()
    }

    @Test func aRevokedCertificateFailsInTheHandshake() async throws {
        let pki = try TestPKI()
        let bob = try pki.client("bob")
        let crl = try pki.writeRevocationList(revoking: [bob.certificate])
        let server = try await RunningGateway(pki: pki) { $0.tls.crlPath = crl }
        let carol = try pki.client("carol")
        #expect(try await server.curl(bob).request(server.baseURL + "/v1/models").status == 0)
        #expect(try await server.curl(carol).request(server.baseURL + "/v1/models").status == 200)
        #expect(server.gateway.metrics.exposition().contains(#"warden_tls_handshake_failures_total{reason="revoked"} 1"#))
        await server.stop()
    }

    @Test func plainHTTPToTheTLSPortGetsNoHTTPResponse() async throws {
        let server = try await RunningGateway()
        let result = try await server.curl(nil).request("http://localhost:\(server.port)/v1/models")
        #expect(result.status == 0 || result.status >= 400)
        #expect(!result.body.contains("\"data\""))
        await server.stop()
    }
}
