import Foundation
import Testing
import WardenPKI
import WardenTesting

@Suite struct IssuanceTests {
    @Test func privateKeysAreWrittenWithOwnerOnlyPermissions() throws {
        let pki = try TestPKI()
        let alice = try pki.client("alice")
        for path in [alice.keyPath, pki.serverKeyPath, pki.directory.file("ca.key")] {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(path)")
        }
    }

    @Test func aWorldReadableCAKeyIsRefused() throws {
        let pki = try TestPKI()
        let keyPath = pki.directory.file("ca.key")
        chmod(keyPath, 0o644)
        #expect(throws: PKIError.self) { try CertificateAuthority.load(certificatePath: pki.caPath, keyPath: keyPath) }
        chmod(keyPath, 0o600)
        _ = try CertificateAuthority.load(certificatePath: pki.caPath, keyPath: keyPath)
    }

    @Test(arguments: ["", "a/b", "../x", ".hidden", "-flag", "white space", String(repeating: "n", count: 65)])
    func namesThatCouldSmuggleSyntaxAreRefused(name: String) throws {
        let ca = try CertificateAuthority.create()
        #expect(throws: PKIError.self) {
            try ca.issueClientCertificate(ClientCertificateRequest(name: name, team: "research"))
        }
    }

    @Test func unknownRolesAndAbsurdLifetimesAreRefused() throws {
        let ca = try CertificateAuthority.create()
        #expect(throws: PKIError.self) {
            try ca.issueClientCertificate(ClientCertificateRequest(name: "a", team: "t", role: "root"))
        }
        #expect(throws: PKIError.self) {
            try ca.issueClientCertificate(ClientCertificateRequest(name: "a", team: "t", validityDays: 0))
        }
    }

    @Test func opensslVerifiesIssuedCertificatesAgainstTheCA() throws {
        let pki = try TestPKI()
        let alice = try pki.client("alice")
        for path in [alice.certificatePath, pki.serverCertificatePath] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = ["verify", "-CAfile", pki.caPath, path]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            process.waitUntilExit()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 0, "openssl verify \(path): \(output)")
        }
    }
}
