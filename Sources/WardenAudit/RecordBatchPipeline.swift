import Foundation

/// Produces `RecordBatch`es in order, either inline or on a thread of its own, so verification
/// can use both cores: the producer reads records (SQLite rows or export lines) and recomputes
/// their hashes, which depend on each record alone, while the caller's thread checks the chain.
///
/// At most `batchCount` batches exist, so memory stays flat however long the log is. `stop()`
/// returns only once the producer thread has let go of its source (the SQLite statement or the
/// file), so the caller may then use the connection again.
final class RecordBatchPipeline: @unchecked Sendable {
    /// Fills a batch (after `reset`) with the next records; sets `end` or `otherLine` where it stops early.
    typealias Fill = (RecordBatch) -> Void

    private let fill: Fill
    private let hasher: RecordHasher
    private let threaded: Bool
    /// Fraction of each batch's record hashes the producer computes (the rest fall to the verifying thread).
    private let hashShare: Double
    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var empty: [RecordBatch]
    private var full: [RecordBatch] = []
    private var stopping = false
    private var running = false
    /// The batch handed out by `next()` in inline mode.
    private var current: RecordBatch?

    init(
        logID: String, threaded: Bool, hashShare: Double, rowsPerBatch: Int = RecordBatch.defaultRowCapacity, batchCount: Int = 3,
        fill: @escaping Fill
    ) {
        self.fill = fill
        self.threaded = threaded
        self.hashShare = hashShare
        hasher = RecordHasher(logIDBytes: Array(logID.utf8))
        empty = (0..<max(2, batchCount)).map { _ in RecordBatch(rowCapacity: rowsPerBatch) }
    }

    /// Starts the producer thread (threaded mode only).
    func start() {
        guard threaded else { return }
        condition.lock()
        running = true
        condition.unlock()
        let thread = Thread { [self] in produce() }
        thread.name = "WardenAudit.verify-reader"
        thread.start()
    }

    /// The next batch in order; its `end` says whether more follow. Hand it back with `recycle`.
    func next() -> RecordBatch? {
        guard threaded else {
            let batch = current ?? empty.removeLast()
            current = batch
            batch.reset()
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

    /// Stops the producer after the batch it is filling, and waits until it no longer uses its source.
    func stop() {
        guard threaded else { return }
        condition.lock()
        stopping = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func produce() {
        while let batch = takeEmpty() {
            batch.reset()
            fill(batch)
            batch.computeHashes(with: hasher, share: hashShare)
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
}
