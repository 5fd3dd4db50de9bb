import Foundation
import GRDB
import GRDBSQLite

/// Offline verification of a log database or an export, needing only the public key.
///
/// Checks every record's hash, the links, gaps and order of sequence numbers and timestamps, each
/// checkpoint's signature and Merkle root, and the witness; the report names the first bad seq.
/// Thrown errors mean the input could not be read at all (missing file, not SQLite, bad JSON).
/// Synchronous and CPU-bound: call it from a CLI or a dedicated thread, not the cooperative pool.
public enum AuditVerifier {
    /// Called about every 65,536 records with (records done, records in total).
    public typealias Progress = (_ done: UInt64, _ total: UInt64) -> Void

    public static func verifyDatabase(
        path: String, publicKey: AuditPublicKey, witnessPath: String? = nil, progress: Progress? = nil
    ) throws(AuditError) -> VerificationReport {
        let witness = try witnessPath.map { path throws(AuditError) in try WitnessFile.read(path: path) }
        let queue = try AuditStore.openReadOnly(path: path)
        defer { try? queue.close() }
        return try queue.readOrThrow { db throws(AuditError) in
            let logID = try AuditStore.readLogID(db)
            let base = try AuditStore.readBase(db)
            var verifier = ChainVerifier(
                logID: logID, publicKey: publicKey, baseSeq: base.seq, basePrevHash: base.prevHash, baseRange: base.range
            )
            verifier.locator = { hash in
                (try? Int64.fetchOne(db, sql: "SELECT seq FROM audit_records WHERE hash = ?", arguments: [Data(hash)]))
                    .flatMap { $0 }.map { UInt64(max(0, $0)) }
            }
            do {
                let total = UInt64(try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_records") ?? 0)
                for row in try Row.fetchAll(db, sql: "SELECT * FROM audit_checkpoints ORDER BY tree_size") {
                    verifier.add(checkpoint: AuditStore.checkpoint(from: row), fromWitness: false)
                }
                addWitness(witness, to: &verifier)
                // Hot loop: raw sqlite3_step over GRDB's prepared statement, reading columns in place
                // (no Row or Data per record); this is what keeps verification near SHA-256 speed.
                let statement = try db.makeStatement(sql: """
                    SELECT seq, timestamp, CAST(type AS BLOB), CAST(actor AS BLOB), fields, prev_hash, hash
                    FROM audit_records ORDER BY seq
                    """)
                let raw = statement.sqliteStatement
                var done: UInt64 = 0
                while !verifier.failed {
                    let rc = sqlite3_step(raw)
                    if rc == SQLITE_DONE { break }
                    guard rc == SQLITE_ROW else {
                        throw AuditError(.storage, "cannot read the audit database: SQLite error \(rc)")
                    }
                    let seq = sqlite3_column_int64(raw, 0)
                    guard seq >= 1 else {
                        verifier.fail(.inserted, nil, "a record has the invalid sequence number \(seq)")
                        break
                    }
                    func column(_ i: Int32) -> UnsafeRawBufferPointer {
                        let pointer = sqlite3_column_blob(raw, i)
                        return UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(raw, i)))
                    }
                    verifier.consume(seq: UInt64(seq), timestamp: sqlite3_column_int64(raw, 1), type: column(2), actor: column(3),
                                     fields: column(4), prevHash: column(5), hash: column(6))
                    done += 1
                    if done & 0xFFFF == 0 { progress?(done, total) }
                }
                sqlite3_reset(raw)
                progress?(done, total)
            } catch {
                throw AuditError(.storage, "cannot read the audit database: \(AuditStore.sqliteReason(error))")
            }
            return verifier.finish()
        }
    }

    public static func verifyExport(
        path: String, publicKey: AuditPublicKey, witnessPath: String? = nil, progress: Progress? = nil
    ) throws(AuditError) -> VerificationReport {
        let witness = try witnessPath.map { path throws(AuditError) in try WitnessFile.read(path: path) }
        let reader = try LineReader(path: path, maxLineBytes: JSONLine.maxLineBytes)
        let header = try AuditExportHeader.parse(try reader.next(), path: path)
        var verifier = ChainVerifier(
            logID: header.logID, publicKey: publicKey, baseSeq: header.firstSeq - 1,
            basePrevHash: header.basePrevHash, baseRange: header.baseRange
        )
        addWitness(witness, to: &verifier)
        var done: UInt64 = 0
        let total = header.lastSeq >= header.firstSeq ? header.lastSeq - header.firstSeq + 1 : 0
        while !verifier.failed, let line = try reader.next() {
            if line.isEmpty && reader.lastLineUnterminated { break }
            do throws(AuditError) {
                let object = try JSONLine.object(line)
                switch try JSONLine.string(object, "kind") {
                case "record":
                    let record = try JSONLine.parseRecord(object)
                    guard record.seq <= header.lastSeq else { throw AuditError(.malformedInput, "record beyond the header's last_seq") }
                    verifier.consume(
                        seq: record.seq, timestamp: record.timestamp, type: Array(record.event.type.rawValue.utf8),
                        actor: Array(record.event.actor.utf8), fields: CanonicalEncoding.encodeFields(record.event.fields),
                        prevHash: record.prevHash, hash: record.hash
                    )
                    done += 1
                    if done & 0xFFFF == 0 { progress?(done, total) }
                case "checkpoint":
                    verifier.add(checkpoint: try JSONLine.parseCheckpoint(object), fromWitness: false)
                default:
                    throw AuditError(.malformedInput, "unknown \"kind\"")
                }
            } catch {
                throw AuditError(.malformedInput, "line \(reader.lineNumber) of \(path): \(error.reason)")
            }
        }
        progress?(done, total)
        if !verifier.failed, verifier.treeSize < header.lastSeq {
            verifier.fail(.truncated, verifier.treeSize + 1,
                          "the export declares records up to seq \(header.lastSeq) but ends at seq \(verifier.treeSize)")
        }
        return verifier.finish()
    }

    private static func addWitness(_ witness: WitnessFile.Contents?, to verifier: inout ChainVerifier) {
        guard let witness else { return }
        if witness.hadTornTail { verifier.appendNote("the witness file ends with an incomplete line (a write torn by a crash); it was ignored") }
        for checkpoint in witness.checkpoints { verifier.add(checkpoint: checkpoint, fromWitness: true) }
    }
}
