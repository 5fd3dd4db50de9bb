import Foundation
import GRDB
import Testing
@testable import WardenAudit

/// Tampering with a real database file, every way the issue lists; each must be detected and name
/// the right sequence number. The log: 50 records, checkpoints at 10, 20, 30, 40, 50.
@Suite struct AuditVerifierTamperTests {
    func bed() async throws -> AuditTestBed {
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 50)
        let clean = try bed.verify()
        #expect(clean.isValid && clean.checkpointCount == 5, "\(clean.summary)")
        return bed
    }

    func expectProblem(_ report: VerificationReport, _ kind: VerificationProblem.Kind, seq: UInt64,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(report.problem?.kind == kind, "\(report.summary)", sourceLocation: sourceLocation)
        #expect(report.problem?.seq == seq, "\(report.summary)", sourceLocation: sourceLocation)
        #expect(report.summary.hasPrefix("FAILED at seq \(seq) (\(kind.rawValue))"), sourceLocation: sourceLocation)
    }

    @Test func changingAFieldIsReportedAsModifiedAtThatSeq() async throws {
        let bed = try await bed()
        try bed.tamper { db in
            let fields = CanonicalEncoding.encodeFields(["request_id": "req-17", "tokens": 1, "allowed": true, "note": "x"])
            try db.execute(sql: "UPDATE audit_records SET fields = ? WHERE seq = 17", arguments: [Data(fields)])
        }
        expectProblem(try bed.verify(), .modified, seq: 17)
    }

    @Test func changingTheActorOrTimestampIsReportedAsModified() async throws {
        let bed = try await bed()
        try bed.tamper { db in try db.execute(sql: "UPDATE audit_records SET actor = 'spiffe://warden.local/team/x/user/mallory' WHERE seq = 8") }
        expectProblem(try bed.verify(), .modified, seq: 8)
        let bed2 = try await self.bed()
        try bed2.tamper { db in try db.execute(sql: "UPDATE audit_records SET timestamp = timestamp + 1 WHERE seq = 44") }
        expectProblem(try bed2.verify(), .modified, seq: 44)
    }

    @Test func deletingARowIsReportedAsDeletedAtThatSeq() async throws {
        let bed = try await bed()
        try bed.tamper { db in try db.execute(sql: "DELETE FROM audit_records WHERE seq = 23") }
        expectProblem(try bed.verify(), .deleted, seq: 23)
    }

    @Test func deletingARowAndRenumberingTheRestIsReportedAsDeleted() async throws {
        let bed = try await bed()
        try bed.tamper { db in
            try db.execute(sql: "DELETE FROM audit_records WHERE seq = 23")
            try db.execute(sql: "UPDATE audit_records SET seq = -seq WHERE seq > 23")
            try db.execute(sql: "UPDATE audit_records SET seq = -seq - 1 WHERE seq < 0")
        }
        expectProblem(try bed.verify(), .deleted, seq: 23)
    }

    @Test func insertingAForgedRowWithAValidHashIsReportedAsInsertedAtItsSeq() async throws {
        let bed = try await bed()
        try bed.tamper { db in
            // Make room at 30 and insert a record whose hash and link to 29 are computed correctly.
            try db.execute(sql: "UPDATE audit_records SET seq = -seq WHERE seq >= 30")
            try db.execute(sql: "UPDATE audit_records SET seq = -seq + 1 WHERE seq < 0")
            let prev = try Row.fetchOne(db, sql: "SELECT hash, timestamp FROM audit_records WHERE seq = 29")!
            let fields = Data(CanonicalEncoding.encodeFields(["request_id": "forged"]))
            let hash = AuditTestBed.forgedHash(logID: bed.logID, seq: 30, timestamp: prev["timestamp"], type: "admin.action",
                                               actor: "mallory", fields: fields, prev: prev["hash"])
            try db.execute(sql: "INSERT INTO audit_records VALUES (30, ?, 'admin.action', 'mallory', ?, ?, ?)",
                           arguments: [prev["timestamp"] as Int64, fields, prev["hash"] as Data, hash])
        }
        expectProblem(try bed.verify(), .inserted, seq: 30)
    }

    @Test func replacingARowWithAForgedOneIsReportedAtTheReplacedSeq() async throws {
        let bed = try await bed()
        try bed.tamper { db in
            let prev = try Row.fetchOne(db, sql: "SELECT hash, timestamp FROM audit_records WHERE seq = 34")!
            let fields = Data(CanonicalEncoding.encodeFields(["request_id": "forged"]))
            let hash = AuditTestBed.forgedHash(logID: bed.logID, seq: 35, timestamp: prev["timestamp"], type: "admin.action",
                                               actor: "mallory", fields: fields, prev: prev["hash"])
            try db.execute(sql: "UPDATE audit_records SET type = 'admin.action', actor = 'mallory', fields = ?, hash = ? WHERE seq = 35",
                           arguments: [fields, hash])
        }
        expectProblem(try bed.verify(), .modified, seq: 35)
    }

    @Test func swappingTwoRowsIsReportedAsReorderedAtTheFirst() async throws {
        let bed = try await bed()
        try bed.tamper { db in
            try db.execute(sql: "UPDATE audit_records SET seq = -1 WHERE seq = 12")
            try db.execute(sql: "UPDATE audit_records SET seq = 12 WHERE seq = 35")
            try db.execute(sql: "UPDATE audit_records SET seq = 35 WHERE seq = -1")
        }
        expectProblem(try bed.verify(), .reordered, seq: 12)
    }

    @Test func truncatingTheTailIsCaughtByTheRemainingCheckpoint() async throws {
        let bed = try await bed()
        try bed.tamper { db in try db.execute(sql: "DELETE FROM audit_records WHERE seq > 42") }
        expectProblem(try bed.verify(witness: false), .truncated, seq: 43)
    }

    @Test func truncatingTheTailAndItsCheckpointsIsCaughtByTheWitness() async throws {
        let bed = try await bed()
        try bed.tamper { db in
            try db.execute(sql: "DELETE FROM audit_records WHERE seq > 42")
            try db.execute(sql: "DELETE FROM audit_checkpoints WHERE tree_size > 42")
        }
        let report = try bed.verify()
        expectProblem(report, .truncated, seq: 43)
        #expect(report.problem?.message.contains("witness") == true)
    }

    @Test func rewritingTheWholeTailWithRecomputedHashesIsCaughtByTheCheckpointAndTheWitness() async throws {
        let bed = try await bed()
        try bed.tamper { db in
            // Rewrite records 33...50 with a consistent chain of forged records, as someone who knows the
            // format but not the signing key would.
            var prev: Data = try Data.fetchOne(db, sql: "SELECT hash FROM audit_records WHERE seq = 32")!
            for seq in Int64(33)...50 {
                let ts: Int64 = try Int64.fetchOne(db, sql: "SELECT timestamp FROM audit_records WHERE seq = ?", arguments: [seq])!
                let fields = Data(CanonicalEncoding.encodeFields(["request_id": .string("rewritten-\(seq)")]))
                let hash = AuditTestBed.forgedHash(logID: bed.logID, seq: seq, timestamp: ts, type: "request.decided",
                                                   actor: "someone-else", fields: fields, prev: prev)
                try db.execute(sql: "UPDATE audit_records SET type = 'request.decided', actor = 'someone-else', fields = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                               arguments: [fields, prev, hash, seq])
                prev = hash
            }
        }
        // The database's own checkpoint at 40 no longer matches: the first record not covered by a
        // matching signed checkpoint is 31.
        let withCheckpoints = try bed.verify(witness: false)
        expectProblem(withCheckpoints, .rewritten, seq: 31)
        #expect(withCheckpoints.problem?.message.contains("records 31...40") == true)
        // Deleting those checkpoints too leaves the witness to catch it.
        try bed.tamper { db in try db.execute(sql: "DELETE FROM audit_checkpoints WHERE tree_size > 30") }
        let withoutWitness = try bed.verify(witness: false)
        #expect(withoutWitness.isValid, "without the witness only the unsigned-tail note remains")
        #expect(withoutWitness.notes.contains { $0.contains("20 records after seq 30 are not yet covered") })
        let withWitness = try bed.verify()
        expectProblem(withWitness, .rewritten, seq: 31)
        #expect(withWitness.problem?.message.contains("witness") == true)
    }

    @Test func aForgedCheckpointIsReported() async throws {
        let bed = try await bed()
        try bed.tamper { db in try db.execute(sql: "UPDATE audit_checkpoints SET root_hash = zeroblob(32) WHERE tree_size = 20") }
        expectProblem(try bed.verify(witness: false), .forgedCheckpoint, seq: 20)
    }

    @Test func aWrongPublicKeyIsReportedAsSuch() async throws {
        let bed = try await bed()
        let other = try AuditTestBed()
        let report = try bed.verify(key: other.publicKey())
        #expect(report.problem?.kind == .wrongKey)
        #expect(report.problem?.message.contains("wrong public key") == true)
    }

    @Test func aCorruptDatabaseFileGivesAClearError() async throws {
        let bed = try AuditTestBed()
        var generator = SeededGenerator(seed: 42)
        let garbage = (0..<8192).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try Data(garbage).write(to: URL(fileURLWithPath: bed.databasePath))
        #expect(throws: AuditError(.storage, "")) { try bed.verify(witness: false) }
        try Data().write(to: URL(fileURLWithPath: bed.databasePath))
        #expect(throws: AuditError(.storage, "")) { try bed.verify(witness: false) }
        #expect(throws: AuditError(.storage, "")) { try AuditVerifier.verifyDatabase(path: bed.path("none.sqlite"), publicKey: bed.publicKey()) }
    }

    @Test func aCorruptedPageInsideARealDatabaseGivesAClearErrorOrProblem() async throws {
        let bed = try await bed()
        let url = URL(fileURLWithPath: bed.databasePath)
        var bytes = try [UInt8](Data(contentsOf: url))
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<64 { bytes[Int.random(in: 100..<bytes.count, using: &generator)] ^= 0x5A }
        try Data(bytes).write(to: url)
        do {
            let report = try bed.verify(witness: false)
            #expect(!report.isValid)
        } catch let error as AuditError {
            #expect(error.code == .storage)
        }
    }
}

/// SplitMix64, so that random tests are reproducible from their seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
