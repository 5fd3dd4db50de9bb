import Foundation
import GRDB
import Testing
@testable import WardenAudit

@Suite struct AuditArchiverTests {
    @Test func archivingOldRecordsKeepsBothTheSegmentAndTheContinuingChainVerifiable() async throws {
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 50)
        let before = try bed.verify()
        let segment = bed.path("segment-1-30.jsonl")
        let summary = try AuditArchiver.archive(databasePath: bed.databasePath, through: 30, segmentPath: segment)
        #expect(summary.firstSeq == 1 && summary.lastSeq == 30)
        let archived = try AuditVerifier.verifyExport(path: segment, publicKey: bed.publicKey())
        #expect(archived.isValid && archived.recordCount == 30 && archived.signedTreeSize == 30, "\(archived.summary)")
        let live = try bed.verify()
        #expect(live.isValid, "\(live.summary)")
        #expect(live.firstSeq == 31 && live.recordCount == 20)
        #expect(live.root == before.root, "the tree is the same tree, only stored in two places")
        // The chain continues after a restart, and archiving again works from the new base.
        let log = try AuditLog(configuration: bed.configuration())
        for i in 51...64 { try await log.append(AuditTestBed.event(i)) }
        try await log.close()
        #expect(try bed.verify().isValid)
        try AuditArchiver.archive(databasePath: bed.databasePath, through: 50, segmentPath: bed.path("segment-31-50.jsonl"))
        let second = try AuditVerifier.verifyExport(path: bed.path("segment-31-50.jsonl"), publicKey: bed.publicKey())
        #expect(second.isValid && second.firstSeq == 31, "\(second.summary)")
        let after = try bed.verify()
        #expect(after.isValid && after.firstSeq == 51 && after.lastSeq == 64, "\(after.summary)")
    }

    @Test func archivingOnlyCutsAtACheckpointAndATamperedBaseIsDetected() async throws {
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 40)
        #expect(throws: AuditError(.notFound, "")) {
            try AuditArchiver.archive(databasePath: bed.databasePath, through: 25, segmentPath: bed.path("x.jsonl"))
        }
        try AuditArchiver.archive(databasePath: bed.databasePath, through: 20, segmentPath: bed.path("s.jsonl"))
        try bed.tamper { db in
            try db.execute(sql: "UPDATE audit_meta SET value = ? WHERE name = 'base_prev_hash'", arguments: [String(repeating: "ab", count: 32)])
        }
        let report = try bed.verify()
        #expect(report.problem?.seq == 20, "\(report.summary)")
    }
}
