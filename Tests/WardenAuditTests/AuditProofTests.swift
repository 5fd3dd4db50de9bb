import Foundation
import Testing
@testable import WardenAudit

@Suite struct AuditProofTests {
    @Test func inclusionProofsFromTheDatabaseAndFromAnExportCheckWithThePublicKeyAlone() async throws {
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 53)
        let export = bed.path("all.jsonl")
        try AuditExporter.export(databasePath: bed.databasePath, outputPath: export)
        let key = try bed.publicKey()
        for seq: UInt64 in [1, 2, 10, 11, 29, 50] {
            for source in [AuditProofSource.database(path: bed.databasePath), .export(path: export)] {
                let proof = try AuditProver.inclusionProof(source: source, seq: seq)
                #expect(proof.checkpoint.treeSize >= seq && proof.checkpoint.treeSize < seq + 10)
                let check = try AuditProofDocument.check(Array(AuditProofDocument.json(proof).utf8), publicKey: key)
                #expect(check.isValid, "\(check.summary)")
            }
        }
        // Against a chosen, larger checkpoint.
        let late = try AuditProver.inclusionProof(source: .database(path: bed.databasePath), seq: 3, treeSize: 53)
        #expect(late.checkpoint.treeSize == 53)
        #expect(try AuditProofDocument.check(Array(AuditProofDocument.json(late).utf8), publicKey: key).isValid)
        // Records after the newest checkpoint cannot be proven yet... all 53 are covered after close.
        #expect(throws: AuditError(.notFound, "")) { try AuditProver.inclusionProof(source: .database(path: bed.databasePath), seq: 54) }
    }

    @Test func aProofForAnAlteredRecordOrAnotherKeyIsInvalid() async throws {
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 20)
        let proof = try AuditProver.inclusionProof(source: .database(path: bed.databasePath), seq: 7)
        let json = AuditProofDocument.json(proof)
        let altered = json.replacingOccurrences(of: "req-7", with: "req-8")
        #expect(try !AuditProofDocument.check(Array(altered.utf8), publicKey: bed.publicKey()).isValid)
        let other = try AuditTestBed()
        #expect(try !AuditProofDocument.check(Array(json.utf8), publicKey: other.publicKey()).isValid)
        #expect(throws: AuditError(.malformedInput, "")) { try AuditProofDocument.check(Array("{\"kind\":1}".utf8), publicKey: bed.publicKey()) }
    }

    @Test func consistencyProofsBetweenSignedCheckpointsCheck() async throws {
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 47)
        let key = try bed.publicKey()
        for (from, to): (UInt64, UInt64) in [(10, 20), (10, 47), (30, 40), (20, 20), (40, 47)] {
            let proof = try AuditProver.consistencyProof(source: .database(path: bed.databasePath), from: from, to: to)
            let check = try AuditProofDocument.check(Array(AuditProofDocument.json(proof).utf8), publicKey: key)
            #expect(check.isValid, "\(from)->\(to): \(check.summary)")
        }
        #expect(throws: AuditError(.notFound, "")) { try AuditProver.consistencyProof(source: .database(path: bed.databasePath), from: 11, to: 20) }
    }
}
