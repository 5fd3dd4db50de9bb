import Foundation
import GRDBSQLite

/// Steps the verifier's prepared statement (`seq, timestamp, type, actor, fields, prev_hash, hash`
/// in seq order) into `RecordBatch`es, either inline or on a thread of its own.
///
/// On its own thread it also recomputes each record's hash and leaf hash, which depend on the
/// record alone, while the caller's thread checks the chain: verification then uses both cores.
/// At most `batchCount` batches exist, so memory stays flat however long the log is. The thread
/// touches only the SQLite statement (raw C API), never GRDB, and `stop()` returns only once it
/// has let go of the statement, so the caller may then use the connection again.
final class DatabaseRecordReader: @unchecked Sendable {
    private let statement: OpaquePointer
    private let hasher: RecordHasher
    private let threaded: Bool
    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var empty: [RecordBatch]
    private var full: [RecordBatch] = []
    private var stopping = false
    private var running = false
    /// The batch handed out by `next()` in inline mode.
    private var current: RecordBatch?

    init(statement: OpaquePointer, logID: String, threaded: Bool, rowsPerBatch: Int = RecordBatch.defaultRowCapacity, batchCount: Int = 3) {
        self.statement = statement
        self.threaded = threaded
        hasher = RecordHasher(logIDBytes: Array(logID.utf8))
        empty = (0..<max(2, batchCount)).map { _ in RecordBatch(rowCapacity: rowsPerBatch) }
    }

    /// Starts the reading thread (threaded mode only).
    func start() {
        guard threaded else { return }
        condition.lock()
        running = true
        condition.unlock()
        let thread = Thread { [self] in readLoop() }
        thread.name = "WardenAudit.verify-reader"
        thread.start()
    }

    /// The next batch in seq order; its `end` says whether more follow. Hand it back with `recycle`.
    func next() -> RecordBatch? {
        guard threaded else {
            let batch = current ?? empty.removeLast()
            current = batch
            fill(batch)
            return batch
        }
        condition.lock()
        defer { condition.unlock() }
        while full.isEmpty && running { condition.wait() }
        return full.isEmpty ? nil : full.removeFirst()
    }

    func recycle(_ batch: RecordBatch) {
        guard threaded else { return }
        condition.lock()
        empty.append(batch)
        condition.signal()
        condition.unlock()
    }

    /// Stops the reading thread after the batch it is filling, and waits until it no longer uses the statement.
    func stop() {
        guard threaded else { return }
        condition.lock()
        stopping = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func readLoop() {
        while let batch = takeEmpty() {
            fill(batch)
            batch.computeHashes(with: hasher)
            condition.lock()
            full.append(batch)
            condition.broadcast()
            condition.unlock()
            if batch.end != nil { break }
        }
        condition.lock()
        running = false
        condition.broadcast()
        condition.unlock()
    }

    private func takeEmpty() -> RecordBatch? {
        condition.lock()
        defer { condition.unlock() }
        while empty.isEmpty && !stopping { condition.wait() }
        return stopping ? nil : empty.removeLast()
    }

    private func fill(_ batch: RecordBatch) {
        batch.reset()
        let raw = statement
        func column(_ i: Int32) -> UnsafeRawBufferPointer {
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
