import Foundation
import Testing
@testable import WardenAudit

@Suite struct AuditKeysTests {
    @Test func keygenWritesPrivateKeysOwnerOnlyAndThePublicKeyBeside() throws {
        let bed = try AuditTestBed()
        #expect(FileIO.mode(path: bed.keys.signingKey) == 0o600)
        #expect(FileIO.mode(path: bed.keys.hmacKey) == 0o600)
        #expect(FileIO.mode(path: bed.keys.publicKey) == 0o644)
        let signer = try AuditKeys.loadSigner(path: bed.keys.signingKey)
        #expect(try AuditKeys.loadPublicKey(path: bed.keys.publicKey) == signer.publicKey)
    }

    @Test func keygenRefusesToOverwriteExistingKeys() throws {
        let bed = try AuditTestBed()
        #expect(throws: AuditError(.keyFile, "")) { try AuditKeys.generate(inDirectory: bed.root.appendingPathComponent("keys").path) }
    }

    @Test func aPrivateKeyReadableByOthersIsRefused() throws {
        let bed = try AuditTestBed()
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: bed.keys.signingKey)
        #expect(throws: AuditError(.keyFile, "")) { try AuditKeys.loadSigner(path: bed.keys.signingKey) }
    }

    @Test func malformedKeyFilesGiveClearErrors() throws {
        let bed = try AuditTestBed()
        let bad = bed.path("bad.pub")
        for content in ["", "ed25519:", "ed25519:!!!!", "ed25519:AAAA", "rsa:AAAA", String(repeating: "A", count: 10000)] {
            try content.write(toFile: bad, atomically: true, encoding: .utf8)
            #expect(throws: AuditError(.keyFile, "")) { try AuditKeys.loadPublicKey(path: bad) }
        }
        #expect(throws: AuditError(.keyFile, "")) { try AuditKeys.loadPublicKey(path: bed.path("missing.pub")) }
        // A private key file given where a public key is expected is refused, not misread.
        #expect(throws: AuditError(.keyFile, "")) { try AuditKeys.loadPublicKey(path: bed.keys.signingKey) }
    }

    @Test func checkpointSignaturesVerifyOnlyUnderTheMatchingKeyAndBytes() throws {
        let bed = try AuditTestBed()
        let signer = try AuditKeys.loadSigner(path: bed.keys.signingKey)
        let c = try signer.sign(logID: "a", treeSize: 5, rootHash: Array(repeating: 7, count: 32), timestamp: 1)
        #expect(signer.publicKey.isValidSignature(of: c))
        let moved = AuditCheckpoint(logID: "b", treeSize: 5, rootHash: c.rootHash, timestamp: 1, keyID: c.keyID, signature: c.signature)
        #expect(!signer.publicKey.isValidSignature(of: moved))
        let other = try AuditTestBed()
        #expect(try !other.publicKey().isValidSignature(of: c))
    }
}
