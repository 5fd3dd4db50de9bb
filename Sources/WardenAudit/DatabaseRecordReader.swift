import GRDBSQLite

/// Fills `RecordBatch`es from the verifier's prepared statements with the raw SQLite C API: no
/// GRDB `Row` or `Data` per record, columns copied straight into the batch. Used by one thread at
/// a time (the pipeline's producer), never by GRDB meanwhile.
///
/// The stored checkpoints are streamed beside the records from a second statement on the same
/// connection (so both see the same snapshot, and only this thread steps it): each batch carries
/// the checkpoints whose tree size its rows can reach, so the verifier holds a bounded window of
/// them instead of all of them. Their signatures are checked here, off the verifying thread.
final class DatabaseRecordReader {
    /// `seq, timestamp, type, actor, fields, prev_hash, hash`, in seq order.
    private let records: OpaquePointer
    /// `tree_size, root_hash, timestamp, log_id, key_id, signature`, in tree-size order.
    private let checkpoints: OpaquePointer
    private let publicKey: AuditPublicKey
    /// The tree size the chain reaches if every row read so far is the next record (the only case
    /// in which verification goes on past a row).
    private var reachableSize: UInt64
    /// The next stored checkpoint, read but not yet handed over.
    private var lookahead: AuditCheckpoint?
    private var checkpointsExhausted = false

    init(records: OpaquePointer, checkpoints: OpaquePointer, publicKey: AuditPublicKey, baseSize: UInt64) {
        self.records = records
        self.checkpoints = checkpoints
        self.publicKey = publicKey
        reachableSize = baseSize
    }

    func fill(_ batch: RecordBatch) {
        fillRecords(batch)
        // A valid chain reaches tree size base + rows read; a row off that path ends verification,
        // so no later checkpoint is needed. After the last row, every remaining checkpoint is
        // (they cover records that are missing, unless the log is cut at one of them).
        let horizon = batch.end == .done ? UInt64.max : reachableSize
        if let rc = attachCheckpoints(to: batch, upTo: horizon) { batch.end = .storageError(rc) }
    }

    private func fillRecords(_ batch: RecordBatch) {
        let raw = records
        while !batch.isFull {
            let rc = sqlite3_step(raw)
            if rc == SQLITE_DONE {
                batch.end = .done
                return
            }
            guard rc == SQLITE_ROW else {
                batch.end = .storageError(rc)
                return
            }
            let seq = sqlite3_column_int64(raw, 0)
            guard seq >= 1 else {
                batch.end = .invalidSeq(seq)
                return
            }
            batch.append(seq: UInt64(seq), timestamp: sqlite3_column_int64(raw, 1), type: Self.column(raw, 2),
                         actor: Self.column(raw, 3), fields: Self.column(raw, 4), prevHash: Self.column(raw, 5),
                         hash: Self.column(raw, 6))
            reachableSize += 1
        }
    }

    /// Moves the checkpoints of tree size up to `horizon` into the batch; a SQLite error code if stepping failed.
    private func attachCheckpoints(to batch: RecordBatch, upTo horizon: UInt64) -> Int32? {
        while true {
            if lookahead == nil && !checkpointsExhausted {
                let rc = sqlite3_step(checkpoints)
                if rc == SQLITE_DONE {
                    checkpointsExhausted = true
                } else if rc == SQLITE_ROW {
                    lookahead = readCheckpoint()
                } else {
                    return rc
                }
            }
            guard let next = lookahead, next.treeSize <= horizon else { return nil }
            lookahead = nil
            let valid: Bool? = next.keyID == publicKey.keyID ? publicKey.isValidSignature(of: next) : nil
            batch.checkpoints.append((next, valid))
        }
    }

    private func readCheckpoint() -> AuditCheckpoint {
        let raw = checkpoints
        // A negative tree size (only in a tampered file) reads as 0, as the GRDB reader did.
        return AuditCheckpoint(
            logID: String(decoding: Self.column(raw, 3), as: UTF8.self),
            treeSize: UInt64(max(0, sqlite3_column_int64(raw, 0))),
            rootHash: Array(Self.column(raw, 1)),
            timestamp: sqlite3_column_int64(raw, 2),
            keyID: String(decoding: Self.column(raw, 4), as: UTF8.self),
            signature: Array(Self.column(raw, 5))
        )
    }

    private static func column(_ statement: OpaquePointer, _ i: Int32) -> UnsafeRawBufferPointer {
        // sqlite3_column_blob before sqlite3_column_bytes, as SQLite documents; on a TEXT value
        // it returns the UTF-8 bytes as stored, the same bytes CAST(... AS BLOB) would give.
        UnsafeRawBufferPointer(start: sqlite3_column_blob(statement, i), count: Int(sqlite3_column_bytes(statement, i)))
    }
}
