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

    /// Share of record hashes the reader thread computes (measured to balance the two threads on
    /// the 2-core reference machine; any value gives the same results).
    static let databaseHashShare = 0.5
    static let exportHashShare = 0.15

    public static func verifyDatabase(
        path: String, publicKey: AuditPublicKey, witnessPath: String? = nil, progress: Progress? = nil
    ) throws(AuditError) -> VerificationReport {
        try verifyDatabase(path: path, publicKey: publicKey, witnessPath: witnessPath, threaded: true, progress: progress)
    }

    /// `threaded: false` reads and hashes on the calling thread only; tests hold both modes, and
    /// small batches, to the same results.
    static func verifyDatabase(
        path: String, publicKey: AuditPublicKey, witnessPath: String?, threaded: Bool,
        rowsPerBatch: Int = RecordBatch.defaultRowCapacity, stats: VerificationStats? = nil, progress: Progress?
    ) throws(AuditError) -> VerificationReport {
        let witness = try witnessPath.map { path throws(AuditError) in
            try WitnessStream(path: path, publicKey: publicKey, checkAhead: false)
        }
        let queue = try AuditStore.openReadOnly(path: path)
        defer { try? queue.close() }
        return try queue.readOrThrow { db throws(AuditError) in
            let logID = try AuditStore.readLogID(db)
            let base = try AuditStore.readBase(db)
            var verifier = ChainVerifier(
                logID: logID, publicKey: publicKey, baseSeq: base.seq, basePrevHash: base.prevHash, baseRange: base.range
            )
            if witness?.hadTornTail == true { verifier.appendNote(tornWitnessNote) }
            do {
                // For the progress bar only. Two subqueries, each a single rowid lookup: COUNT(*), or MIN
                // and MAX in one SELECT (SQLite's min/max shortcut takes one aggregate), read every page.
                let bounds = try Row.fetchOne(db, sql: "SELECT (SELECT MIN(seq) FROM audit_records), (SELECT MAX(seq) FROM audit_records)")
                let total: UInt64 = bounds.flatMap { row -> UInt64? in
                    guard let low = row[0] as Int64?, let high = row[1] as Int64?, high >= low else { return nil }
                    return UInt64(high - low) + 1
                } ?? 0
                // The stored checkpoints are streamed beside the records (not each one's compact
                // range: the verifier never trusts it), each one just before the record reaching it.
                let checkpoints = try db.makeStatement(sql: """
                    SELECT tree_size, root_hash, timestamp, log_id, key_id, signature FROM audit_checkpoints ORDER BY tree_size
                    """)
                let statement = try db.makeStatement(sql: """
                    SELECT seq, timestamp, type, actor, fields, prev_hash, hash
                    FROM audit_records ORDER BY seq
                    """)
                // Hot loop: a reader thread steps SQLite (raw C API, columns copied into reused
                // batches) and recomputes the per-record hashes; this thread checks the chain.
                let source = DatabaseRecordReader(
                    records: statement.sqliteStatement, checkpoints: checkpoints.sqliteStatement, publicKey: publicKey,
                    baseSize: base.range.size
                )
                // Stepping SQLite costs more than the chain checks: the reader hashes half of each batch.
                let reader = RecordBatchPipeline(logID: logID, threaded: threaded, hashShare: databaseHashShare, rowsPerBatch: rowsPerBatch) {
                    source.fill($0)
                }
                defer {
                    reader.stop()
                    sqlite3_reset(statement.sqliteStatement)
                    sqlite3_reset(checkpoints.sqliteStatement)
                }
                verifier.locator = { hash in
                    // Only on a mismatch, which ends verification: the reader must let go of the connection first.
                    reader.stop()
                    return (try? Int64.fetchOne(db, sql: "SELECT seq FROM audit_records WHERE hash = ?", arguments: [Data(hash)]))
                        .flatMap { $0 }.map { UInt64(max(0, $0)) }
                }
                reader.start()
                var feed = CheckpointFeed(witness: witness)
                var done: UInt64 = 0
                while !verifier.failed, let batch = reader.next() {
                    feed.take(batch.checkpoints)
                    for row in 0..<batch.count {
                        let reach = verifier.treeSize + 1
                        if reach >= feed.nextSize { try feed.feed(upTo: reach, into: &verifier) }
                        verifier.consume(batch.view(row), recomputed: batch.recomputedHash(row))
                        if verifier.failed { break }
                    }
                    // After the last record: the checkpoints beyond it (a cut-off tail), or at the
                    // base when no record follows it.
                    if batch.end == .done { try feed.feed(upTo: .max, into: &verifier) }
                    let before = done
                    done += UInt64(batch.count)
                    if done >> 16 != before >> 16 { progress?(done, total) }
                    if !verifier.failed, let end = batch.end {
                        switch end {
                        case .done: break
                        case .invalidSeq(let seq): verifier.fail(.inserted, nil, "a record has the invalid sequence number \(seq)")
                        case .storageError(let rc): throw AuditError(.storage, "cannot read the audit database: SQLite error \(rc)")
                        case .failure(let error): throw error
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
            defer { stats?.peakPendingCheckpoints = verifier.peakPendingCount }
            return verifier.finish()
        }
    }

    public static func verifyExport(
        path: String, publicKey: AuditPublicKey, witnessPath: String? = nil, progress: Progress? = nil
    ) throws(AuditError) -> VerificationReport {
        try verifyExport(path: path, publicKey: publicKey, witnessPath: witnessPath, fastLines: true, threaded: true, progress: progress)
    }

    /// `fastLines: false` reads every line with the general strict parser, `threaded: false` reads
    /// on the calling thread only; tests hold every combination to the same results.
    static func verifyExport(
        path: String, publicKey: AuditPublicKey, witnessPath: String?, fastLines: Bool, threaded: Bool = true,
        rowsPerBatch: Int = RecordBatch.defaultRowCapacity, stats: VerificationStats? = nil, progress: Progress?
    ) throws(AuditError) -> VerificationReport {
        let witness = try witnessPath.map { path throws(AuditError) in
            try WitnessStream(path: path, publicKey: publicKey, checkAhead: true)
        }
        let reader = try LineReader(path: path, maxLineBytes: JSONLine.maxLineBytes)
        let header = try AuditExportHeader.parse(try reader.next(), path: path)
        var verifier = ChainVerifier(
            logID: header.logID, publicKey: publicKey, baseSeq: header.firstSeq - 1,
            basePrevHash: header.basePrevHash, baseRange: header.baseRange
        )
        if witness?.hadTornTail == true { verifier.appendNote(tornWitnessNote) }
        var done: UInt64 = 0
        let total = header.lastSeq >= header.firstSeq ? header.lastSeq - header.firstSeq + 1 : 0
        // Hot loop: a reader thread reads lines, reads record lines in Warden's own form without
        // building JSON values, and recomputes their hashes; this thread checks the chain and
        // handles every other line (checkpoints, records in another form) in order.
        let source = ExportLineSource(reader: reader, fastLines: fastLines)
        // Parsing costs more than stepping SQLite: the reader hashes only part of each batch.
        let pipeline = RecordBatchPipeline(logID: header.logID, threaded: threaded, hashShare: exportHashShare, rowsPerBatch: rowsPerBatch) {
            source.fill($0)
        }
        defer { pipeline.stop() }
        if !verifier.failed { pipeline.start() }
        // Witness checkpoints go in just before the record reaching their size; the export's own
        // copies, on the line after that record, are then recognised as already matched.
        var feed = CheckpointFeed(witness: witness)
        batches: while !verifier.failed, let batch = pipeline.next() {
            for row in 0..<batch.count {
                let record = batch.view(row)
                guard record.seq <= header.lastSeq else {
                    throw AuditError(.malformedInput, "line \(batch.firstLineNumber + row) of \(path): record beyond the header's last_seq")
                }
                let reach = verifier.treeSize + 1
                if reach >= feed.nextSize { try feed.feed(upTo: reach, into: &verifier) }
                verifier.consume(record, recomputed: batch.recomputedHash(row))
                done += 1
                if done & 0xFFFF == 0 { progress?(done, total) }
                if verifier.failed { break batches }
            }
            if let other = batch.otherLine {
                // The line may be a record (in a form the fast reader declined) reaching the next size.
                let reach = verifier.treeSize + 1
                if reach >= feed.nextSize { try feed.feed(upTo: reach, into: &verifier) }
                do throws(AuditError) {
                    try verifyOtherLine(other.bytes, header: header, verifier: &verifier, done: &done)
                } catch {
                    throw AuditError(.malformedInput, "line \(other.number) of \(path): \(error.reason)")
                }
            }
            if let end = batch.end {
                if case .failure(let error) = end { throw error }
                break
            }
            pipeline.recycle(batch)
        }
        progress?(done, total)
        // The witness checkpoints beyond the last record (a cut-off export, or one made with --to).
        try feed.feed(upTo: .max, into: &verifier)
        if !verifier.failed, verifier.treeSize < header.lastSeq {
            verifier.fail(.truncated, verifier.treeSize + 1,
                          "the export declares records up to seq \(header.lastSeq) but ends at seq \(verifier.treeSize)")
        }
        defer { stats?.peakPendingCheckpoints = verifier.peakPendingCount }
        return verifier.finish()
    }

    /// A line the fast reader declined: read with the strict parser, as every line once was.
    private static func verifyOtherLine(
        _ line: [UInt8], header: AuditExportHeader, verifier: inout ChainVerifier, done: inout UInt64
    ) throws(AuditError) {
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
        case "checkpoint":
            verifier.add(checkpoint: try JSONLine.parseCheckpoint(object), fromWitness: false)
        default:
            throw AuditError(.malformedInput, "unknown \"kind\"")
        }
    }

    private static let tornWitnessNote = "the witness file ends with an incomplete line (a write torn by a crash); it was ignored"
}
