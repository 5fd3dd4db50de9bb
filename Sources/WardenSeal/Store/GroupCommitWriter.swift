import GRDB

/// Inserts sealed rows with group commit: rows that arrive while a transaction is being written are committed together
/// in the next one, so many concurrent seals share one fsync instead of paying one each.
///
/// `insert` returns after the row's transaction committed (`synchronous = FULL` on the writer); `enqueue` returns at
/// once and `flush` waits for everything queued before it.
actor GroupCommitWriter {
    private struct Entry {
        var row: SealedRow?
        var continuation: CheckedContinuation<Void, any Error>?
    }

    private let database: DatabasePool
    private var pending: [Entry] = []
    private var flushing = false
    private var backgroundFailure: SealError?
    private(set) var lostRows = 0

    init(database: DatabasePool) {
        self.database = database
    }

    /// Queues `row` and waits until it is committed.
    func insert(_ row: SealedRow) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            append(Entry(row: row, continuation: continuation))
        }
    }

    /// Queues `row` without waiting.
    func enqueue(_ row: SealedRow) {
        append(Entry(row: row, continuation: nil))
    }

    /// Waits until every row queued before this call is committed; throws if a queued row could not be written since
    /// the last flush.
    func flush() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            append(Entry(row: nil, continuation: continuation))
        }
        if let failure = backgroundFailure {
            backgroundFailure = nil
            throw failure
        }
    }

    private func append(_ entry: Entry) {
        pending.append(entry)
        if !flushing {
            flushing = true
            Task { await self.drain() }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = pending
            pending = []
            let rows = batch.compactMap(\.row)
            do {
                if !rows.isEmpty {
                    try await database.write { db in
                        let statement = try db.cachedStatement(sql: SealedRow.insertSQL)
                        for row in rows {
                            try statement.execute(arguments: row.insertArguments)
                        }
                    }
                }
                for entry in batch { entry.continuation?.resume() }
            } catch {
                let failure = SealError(.storageFailure, "cannot commit \(rows.count) sealed records")
                for entry in batch {
                    if let continuation = entry.continuation {
                        continuation.resume(throwing: entry.row == nil ? (backgroundFailure ?? failure) : failure)
                    } else if entry.row != nil {
                        lostRows += 1
                        backgroundFailure = failure
                    }
                }
            }
        }
        flushing = false
    }
}
