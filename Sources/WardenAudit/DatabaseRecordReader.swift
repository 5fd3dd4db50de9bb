import GRDBSQLite

/// Fills `RecordBatch`es from the verifier's prepared statement (`seq, timestamp, type, actor,
/// fields, prev_hash, hash` in seq order) with the raw SQLite C API: no GRDB `Row` or `Data` per
/// record, columns copied straight into the batch. Used by one thread at a time (the pipeline's
/// producer), never by GRDB meanwhile.
struct DatabaseRecordReader {
    let statement: OpaquePointer

    func fill(_ batch: RecordBatch) {
        let raw = statement
        func column(_ i: Int32) -> UnsafeRawBufferPointer {
            // sqlite3_column_blob before sqlite3_column_bytes, as SQLite documents; on a TEXT value
            // it returns the UTF-8 bytes as stored, the same bytes CAST(... AS BLOB) would give.
            UnsafeRawBufferPointer(start: sqlite3_column_blob(raw, i), count: Int(sqlite3_column_bytes(raw, i)))
        }
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
            batch.append(seq: UInt64(seq), timestamp: sqlite3_column_int64(raw, 1), type: column(2), actor: column(3),
                         fields: column(4), prevHash: column(5), hash: column(6))
        }
    }
}
