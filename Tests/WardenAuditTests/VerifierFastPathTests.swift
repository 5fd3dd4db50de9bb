import Crypto
import Foundation
import GRDB
import Testing
@testable import WardenAudit

/// The verifier's fast paths (inline digests, the reused record buffer, the reader thread and its
/// batches, the export line reader) must give exactly the answers of the straightforward code.
@Suite struct VerifierFastPathTests {
    // MARK: Hashing

    @Test func theReusedRecordBufferHashesExactlyLikeTheCanonicalEncoding() {
        var generator = SeededGenerator(seed: 11)
        let hasher = RecordHasher(logIDBytes: Array("gw-7".utf8))
        for i in 0..<300 {
            let type = String(repeating: "a", count: Int.random(in: 1...40, using: &generator))
            // Long actors and fields make the buffer grow past its first size.
            let actor = String(repeating: "x", count: i % 50 == 0 ? 5000 : Int.random(in: 0...80, using: &generator))
            let fields = CanonicalEncoding.encodeFields([
                "n": .integer(Int64.random(in: .min ... .max, using: &generator)),
                "s": .string(String(repeating: "é", count: Int.random(in: 0...(i % 60 == 0 ? 9000 : 30), using: &generator))),
            ])
            let prev = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let seq = UInt64.random(in: 1...UInt64.max, using: &generator)
            let timestamp = Int64.random(in: .min ... .max, using: &generator)
            var reference = [UInt8]()
            CanonicalEncoding.recordBytes(logID: "gw-7", seq: seq, timestamp: timestamp, type: type, actor: actor,
                                          fieldsBlob: fields, prevHash: prev, into: &reference)
            let fast = hasher.hash(seq: seq, timestamp: timestamp, type: Array(type.utf8), actor: Array(actor.utf8), fields: fields, prevHash: prev)
            #expect(fast.bytes == Array(SHA256.hash(data: reference)))
        }
    }

    @Test func inlineDigestsGiveTheSameTreeHashesAsTheArrayForms() {
        var generator = SeededGenerator(seed: 12)
        for _ in 0..<50 {
            let a = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let b = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(Digest32.leafHash(of: Digest32(bytes: a)!).bytes == Array(SHA256.hash(data: [0x00] + a)))
            #expect(Digest32.nodeHash(Digest32(bytes: a)!, Digest32(bytes: b)!).bytes == Array(SHA256.hash(data: [0x01] + a + b)))
            #expect(Digest32(bytes: a)!.bytes == a)
        }
        #expect(Digest32(bytes: [UInt8](repeating: 1, count: 31)) == nil)
        #expect(!Digest32.zero.matches(UnsafeRawBufferPointer(start: nil, count: 0)))
    }

    @Test func signaturesCheckedAheadOnTwoThreadsMatchCheckingEachOne() throws {
        let bed = try AuditTestBed()
        let signer = try AuditKeys.loadSigner(path: bed.keys.signingKey)
        let key = try bed.publicKey()
        var generator = SeededGenerator(seed: 5)
        var checkpoints = [AuditCheckpoint]()
        for size in 1...40 {
            let root = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let c = try signer.sign(logID: "gw-1", treeSize: UInt64(size), rootHash: root, timestamp: Int64(size))
            // Every fifth one forged: its root changed after signing, or its signature cut short.
            switch size % 5 {
            case 0: checkpoints.append(AuditCheckpoint(logID: c.logID, treeSize: c.treeSize, rootHash: [UInt8](repeating: 0, count: 32),
                                                       timestamp: c.timestamp, keyID: c.keyID, signature: c.signature))
            case 1 where size > 30: checkpoints.append(AuditCheckpoint(logID: c.logID, treeSize: c.treeSize, rootHash: c.rootHash,
                                                                       timestamp: c.timestamp, keyID: c.keyID, signature: Array(c.signature.prefix(63))))
            default: checkpoints.append(c)
            }
        }
        let ahead = CheckpointSignatures(checking: checkpoints + checkpoints.prefix(10), publicKey: key)
        for c in checkpoints { #expect(ahead.isValid(c) == key.isValidSignature(of: c), "tree size \(c.treeSize)") }
        #expect(checkpoints.filter { ahead.isValid($0) == false }.count == 10)  // 8 with a changed root, 2 cut short
        let other = try AuditTestBed().publicKey()
        #expect(CheckpointSignatures(checking: checkpoints, publicKey: other).isValid(checkpoints[0]) == nil, "other key ids are left to the verifier")
    }

    // MARK: Reader thread and batches

    /// Tampering, with batches of 7 rows so that every problem lands near a batch boundary, must give
    /// the same report whether the reader runs on its own thread or inline, and with full-size batches.
    @Test(arguments: TamperCase.all)
    func theReaderThreadAndSmallBatchesReportExactlyWhatTheInlineReaderReports(_ tamper: TamperCase) async throws {
        let bed = try AuditTestBed()
        try await bed.writeLog(count: 50)
        try bed.tamper(tamper.sql)
        let key = try bed.publicKey()
        var reports = [VerificationReport]()
        for (threaded, rows) in [(false, 7), (true, 7), (true, 1), (true, RecordBatch.defaultRowCapacity), (false, RecordBatch.defaultRowCapacity)] {
            reports.append(try AuditVerifier.verifyDatabase(
                path: bed.databasePath, publicKey: key, witnessPath: bed.witnessPath, threaded: threaded, rowsPerBatch: rows, progress: nil
            ))
        }
        #expect(reports[0].problem?.kind == tamper.kind, "\(reports[0].summary)")
        #expect(reports[0].problem?.seq == tamper.seq, "\(reports[0].summary)")
        for report in reports.dropFirst() { #expect(report == reports[0], "\(report.summary) vs \(reports[0].summary)") }
    }

    struct TamperCase: Sendable, CustomTestStringConvertible {
        let name: String
        let kind: VerificationProblem.Kind?
        let seq: UInt64?
        let sql: @Sendable (Database) throws -> Void
        var testDescription: String { name }

        static let all: [TamperCase] = [
            TamperCase(name: "untouched", kind: nil, seq: nil) { _ in },
            TamperCase(name: "field edited at a batch start", kind: .modified, seq: 22) { db in
                try db.execute(sql: "UPDATE audit_records SET fields = X'00000000' WHERE seq = 22")
            },
            TamperCase(name: "row deleted at a batch end", kind: .deleted, seq: 21) { db in
                try db.execute(sql: "DELETE FROM audit_records WHERE seq = 21")
            },
            TamperCase(name: "rows swapped across batches", kind: .reordered, seq: 6) { db in
                try db.execute(sql: "UPDATE audit_records SET seq = -1 WHERE seq = 6")
                try db.execute(sql: "UPDATE audit_records SET seq = 6 WHERE seq = 47")
                try db.execute(sql: "UPDATE audit_records SET seq = 47 WHERE seq = -1")
            },
            TamperCase(name: "row deleted and the rest renumbered", kind: .deleted, seq: 15) { db in
                try db.execute(sql: "DELETE FROM audit_records WHERE seq = 15")
                try db.execute(sql: "UPDATE audit_records SET seq = -seq WHERE seq > 15")
                try db.execute(sql: "UPDATE audit_records SET seq = -seq - 1 WHERE seq < 0")
            },
            TamperCase(name: "stored hash cut short", kind: .modified, seq: 36) { db in
                try db.execute(sql: "UPDATE audit_records SET hash = substr(hash, 1, 31) WHERE seq = 36")
            },
            TamperCase(name: "timestamp edited", kind: .modified, seq: 43) { db in
                try db.execute(sql: "UPDATE audit_records SET timestamp = timestamp + 1 WHERE seq = 43")
            },
            TamperCase(name: "invalid seq", kind: .inserted, seq: nil) { db in
                try db.execute(sql: "UPDATE audit_records SET seq = 0 WHERE seq = 1")
            },
            TamperCase(name: "tail cut with its checkpoints", kind: .truncated, seq: 29) { db in
                try db.execute(sql: "DELETE FROM audit_records WHERE seq > 28")
                try db.execute(sql: "DELETE FROM audit_checkpoints WHERE tree_size > 28")
            },
            TamperCase(name: "huge fields blob", kind: .modified, seq: 9) { db in
                try db.execute(sql: "UPDATE audit_records SET fields = zeroblob(3000000) WHERE seq = 9")
            },
        ]
    }

    @Test func aLogLongerThanSeveralBatchesVerifiesOnTheReaderThread() async throws {
        let bed = try AuditTestBed()
        let log = try AuditLog(configuration: bed.configuration(checkpointEvery: 500))
        // Concurrent appends are group-committed, which keeps writing 3,000 records quick.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<30 {
                group.addTask { for i in 0..<100 { _ = try await log.append(AuditTestBed.event(w * 100 + i)) } }
            }
            try await group.waitForAll()
        }
        try await log.close()
        let report = try bed.verify()
        #expect(report.isValid && report.recordCount == 3000 && report.checkpointCount >= 6, "\(report.summary)")
        var calls = [(UInt64, UInt64)]()
        _ = try AuditVerifier.verifyDatabase(path: bed.databasePath, publicKey: bed.publicKey(), witnessPath: nil) { calls.append(($0, $1)) }
        #expect(calls.last.map { $0 == (3000, 3000) } == true)
    }
}
