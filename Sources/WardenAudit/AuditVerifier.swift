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
        try verifyDatabase(path: path, publicKey: publicKey, witnessPath: witnessPath, threaded: true, progress: progress)
    }

    /// `threaded: false` reads and hashes on the calling thread only; tests hold both modes, and
    /// small batches, to the same results.
    static func verifyDatabase(
        path: String, publicKey: AuditPublicKey, witnessPath: String?, threaded: Bool,
        rowsPerBatch: Int = RecordBatch.defaultRowCapacity, progress: Progress?
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
            do {
                // For the progress bar only: cheap (two rowid lookups), unlike COUNT(*) which reads every page.
                let bounds = try Row.fetchOne(db, sql: "SELECT MIN(seq), MAX(seq) FROM audit_records")
                let total: UInt64 = bounds.flatMap { row -> UInt64? in
                    guard let low = row[0] as Int64?, let high = row[1] as Int64?, high >= low else { return nil }
                    return UInt64(high - low) + 1
                } ?? 0
                for row in try Row.fetchAll(db, sql: "SELECT * FROM audit_checkpoints ORDER BY tree_size") {
                    verifier.add(checkpoint: AuditStore.checkpoint(from: row), fromWitness: false)
                }
                addWitness(witness, to: &verifier)
                let statement = try db.makeStatement(sql: """
                    SELECT seq, timestamp, type, actor, fields, prev_hash, hash
                    FROM audit_records ORDER BY seq
                    """)
                // Hot loop: a reader thread steps SQLite (raw C API, columns copied into reused
                // batches) and recomputes the per-record hashes; this thread checks the chain.
                let reader = DatabaseRecordReader(
                    statement: statement.sqliteStatement, logID: logID, threaded: threaded, rowsPerBatch: rowsPerBatch
                )
                defer {
                    reader.stop()
                    sqlite3_reset(statement.sqliteStatement)
                }
                verifier.locator = { hash in
                    // Only on a mismatch, which ends verification: the reader must let go of the connection first.
                    reader.stop()
                    return (try? Int64.fetchOne(db, sql: "SELECT seq FROM audit_records WHERE hash = ?", arguments: [Data(hash)]))
                        .flatMap { $0 }.map { UInt64(max(0, $0)) }
                }
                if !verifier.failed { reader.start() }
                var done: UInt64 = 0
                while !verifier.failed, let batch = reader.next() {
                    for row in 0..<batch.count {
                        verifier.consume(batch.view(row), recomputed: batch.recomputedHash(row))
                        if verifier.failed { break }
                    }
                    let before = done
                    done += UInt64(batch.count)
                    if done >> 16 != before >> 16 { progress?(done, total) }
                    if !verifier.failed, let end = batch.end {
                        switch end {
                        case .done: break
                        case .invalidSeq(let seq): verifier.fail(.inserted, nil, "a record has the invalid sequence number \(seq)")
                        case .storageError(let rc): throw AuditError(.storage, "cannot read the audit database: SQLite error \(rc)")
                        }
                    }
                    if batch.end != nil { break }
                    reader.recycle(batch)
                }
                progress?(done, total)
            } catch let error as AuditError {
                throw error
            } catch {
                throw AuditError(.storage, "cannot read the audit database: \(AuditStore.sqliteReason(error))")
            }
            return verifier.finish()
        }
    }

    public static func verifyExport(
        path: String, publicKey: AuditPublicKey, witnessPath: String? = nil, progress: Progress? = nil
    ) throws(AuditError) -> VerificationReport {
        try verifyExport(path: path, publicKey: publicKey, witnessPath: witnessPath, fastLines: true, progress: progress)
    }

    /// `fastLines: false` reads every line with the general strict parser (tests compare the two).
    static func verifyExport(
        path: String, publicKey: AuditPublicKey, witnessPath: String?, fastLines: Bool, progress: Progress?
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
        var fast = ExportRecordLine()
        while !verifier.failed, let line = try reader.nextBorrowed() {
            if line.isEmpty && reader.lastLineUnterminated { break }
            // Hot path: a record line in Warden's own form, read without building JSON values.
            if fastLines, fast.parse(line) {
                guard fast.seq <= header.lastSeq else {
                    throw AuditError(.malformedInput, "line \(reader.lineNumber) of \(path): record beyond the header's last_seq")
                }
                fast.fields.withUnsafeBytes { fields in
                    fast.prevHash.withUnsafeBytes { prevHash in
                        fast.hash.withUnsafeBytes { hash in
                            verifier.consume(ChainVerifier.RecordView(
                                seq: fast.seq, timestamp: fast.timestamp, type: UnsafeRawBufferPointer(rebasing: line[fast.type]),
                                actor: UnsafeRawBufferPointer(rebasing: line[fast.actor]), fields: fields, prevHash: prevHash, storedHash: hash
                            ))
                        }
                    }
                }
                done += 1
                if done & 0xFFFF == 0 { progress?(done, total) }
                continue
            }
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
