import Foundation
import Testing
import WardenPKI
import WardenTesting

@Suite struct RevocationListTests {
    @Test func aSignedListRoundTripsThroughPEMAndVerifiesAgainstItsCA() throws {
        let pki = try TestPKI()
        let bob = try pki.client("bob")
        let path = try pki.writeRevocationList(revoking: [bob.certificate])
        let list = try RevocationList.load(path: path)
        #expect(list.entries.count == 1)
        #expect(list.isRevoked(bob.certificate))
        #expect(list.isSigned(by: pki.authority.certificate))
        #expect(!list.isSigned(by: pki.otherAuthority.certificate))
        #expect(list.nextUpdate != nil)
    }

    @Test func opensslAcceptsTheListWeWrite() throws {
        let pki = try TestPKI()
        let bob = try pki.client("bob")
        let path = try pki.writeRevocationList(revoking: [bob.certificate])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["crl", "-in", path, "-CAfile", pki.caPath, "-noout"]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "openssl said: \(output)")
        #expect(output.contains("verify OK"), "openssl said: \(output)")
    }

    @Test func aListFromAnotherCAIsRefusedAsTrustMaterial() throws {
        let pki = try TestPKI()
        let foreign = try pki.otherAuthority.signRevocationList(revoked: [])
        #expect(throws: PKIError.self) {
            try TrustMaterial(authorities: [pki.authority.certificate], revocationLists: [foreign])
        }
    }

    @Test func truncatedAndRandomBytesAreRejectedWithoutCrashing() throws {
        let pki = try TestPKI()
        let list = try pki.authority.signRevocationList(revoked: [])
        var generator = SystemRandomNumberGenerator()
        for length in stride(from: 0, to: list.derBytes.count, by: 7) {
            #expect(throws: PKIError.self) { try RevocationList(derEncoded: Array(list.derBytes.prefix(length))) }
        }
        for _ in 0..<500 {
            var bytes = list.derBytes
            let index = Int.random(in: 0..<bytes.count, using: &generator)
            bytes[index] ^= UInt8.random(in: 1...255, using: &generator)
            _ = try? RevocationList(derEncoded: bytes)  // must not crash; may or may not parse
        }
    }
}
