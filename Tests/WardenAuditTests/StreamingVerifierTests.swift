import Foundation
import GRDB
import Testing
@testable import WardenAudit

/// Verification streams the checkpoints (database and witness) beside the records, so memory stays
/// flat in the size of the log: these hold the window small and the reports in record order.
@Suite struct StreamingVerifierTests {
    /// 200 records with a checkpoint every 5: 40 in the database and 40 in the witness. Loading
    /// them up front held all 40 at once; streamed, each waits only for the next few records.
    @Test func theVerifierHoldsOnlyTheNextCheckpointsHoweverManyTheLogHas() async throws {
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 200, checkpointEvery: 5)
        let key = try bed.publicKey()
        for (threaded, rows) in [(true, RecordBatch.defaultRowCapacity), (false, 7)] {
            let stats = VerificationStats()
            let report = try AuditVerifier.verifyDatabase(
                path: bed.databasePath, publicKey: key, witnessPath: bed.witnessPath, threaded: threaded, rowsPerBatch: rows,
                stats: stats, progress: nil
            )
            #expect(report.isValid && report.checkpointCount == 40 && report.witnessCheckpointCount == 40, "\(report.summary)")
            #expect(stats.peakPendingCheckpoints == 1, "each checkpoint is matched before the next one is read")
        }
        let export = bed.path("all.jsonl")
        try AuditExporter.export(databasePath: bed.databasePath, outputPath: export)
        let stats = VerificationStats()
        let report = try AuditVerifier.verifyExport(
            path: export, publicKey: key, witnessPath: bed.witnessPath, fastLines: true, stats: stats, progress: nil
        )
        #expect(report.isValid && report.checkpointCount == 40, "\(report.summary)")
        #expect(stats.peakPendingCheckpoints == 1)
    }

    /// The witness is append-only in increasing tree size; rather than sort it (which needs it all
    /// in memory), a line out of that order is itself reported.
    @Test func aWitnessLineOutOfTreeSizeOrderIsReported() async throws {
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 50)
        var lines = try String(contentsOfFile: bed.witnessPath, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        lines.swapAt(1, 3)  // tree sizes 10, 40, 30, 20, 50
        try (lines.joined(separator: "\n") + "\n").write(toFile: bed.witnessPath, atomically: false, encoding: .utf8)
        let report = try bed.verify()
        #expect(report.problem?.kind == .malformed, "\(report.summary)")
        #expect(report.problem?.message.contains("witness line 3 has tree size 30 after tree size 40") == true, "\(report.summary)")
        #expect(try bed.verify(witness: false).isValid)
        let export = bed.path("all.jsonl")
        try AuditExporter.export(databasePath: bed.databasePath, outputPath: export)
        let fromExport = try AuditVerifier.verifyExport(path: export, publicKey: bed.publicKey(), witnessPath: bed.witnessPath)
        #expect(fromExport.problem?.kind == .malformed, "\(fromExport.summary)")
    }

    /// Checkpoints are checked when the records reach them, so an edited record before a forged
    /// checkpoint is what gets named: the first bad seq, whatever the batch size.
    @Test func anEditedRecordBeforeAForgedCheckpointIsNamedFirst() async throws {
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 50)
        try bed.tamper { db in
            try db.execute(sql: "UPDATE audit_records SET actor = 'mallory' WHERE seq = 7")
            try db.execute(sql: "UPDATE audit_checkpoints SET root_hash = zeroblob(32) WHERE tree_size = 20")
        }
        let key = try bed.publicKey()
        for (threaded, rows) in [(true, RecordBatch.defaultRowCapacity), (false, 3), (true, 1)] {
            let report = try AuditVerifier.verifyDatabase(
                path: bed.databasePath, publicKey: key, witnessPath: bed.witnessPath, threaded: threaded, rowsPerBatch: rows, progress: nil
            )
            #expect(report.problem?.kind == .modified && report.problem?.seq == 7, "\(report.summary)")
        }
        try bed.tamper { db in try db.execute(sql: "UPDATE audit_records SET actor = 'spiffe://warden.local/team/research/user/u0' WHERE seq = 7") }
        let forged = try bed.verify(witness: false)
        #expect(forged.problem?.kind == .forgedCheckpoint && forged.problem?.seq == 20, "\(forged.summary)")
    }

    /// A witness that a writer appends to while the verifier reads it: only the lines complete when
    /// verification began are read, and the torn last line is noted and ignored.
    @Test func aTornWitnessTailIsIgnoredAndNoted() async throws {
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 30)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: bed.witnessPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"kind\":\"checkpoint\",\"log_id\":\"test-inst".utf8))
        try handle.close()
        let report = try bed.verify()
        #expect(report.isValid && report.witnessCheckpointCount == 3, "\(report.summary)")
        #expect(report.notes.contains { $0.contains("incomplete line") })
    }
}
