import GRDB

/// Inserts sealed rows with group commit: rows that arrive while a transaction is being written are committed together
/// in the next one, so many concurrent seals share one fsync instead of paying one each.
///
/// Durability: `insert` returns only after the transaction holding the row committed with `synchronous = FULL`, so a
/// returned record id survives a crash or power loss. Latency under load is about one fsync; throughput grows with
/// concurrency.
actor GroupCommitWriter {
    private let database: DatabasePool
    private var pending: [(row: SealedRow, continuation: CheckedContinuation<Void, any Error>)] = []
    private var flushing = false

    init(database: DatabasePool) {
        self.database = database
    }

    func insert(_ row: SealedRow) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            pending.append((row, continuation))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    private func flush() async {
        while !pending.isEmpty {
            let batch = pending
            pending = []
            let rows = batch.map(\.row)
            do {
                try await database.write { db in
                    let statement = try db.cachedStatement(sql: SealedRow.insertSQL)
                    for row in rows {
                        try statement.execute(arguments: row.insertArguments)
                    }
                }
                for entry in batch { entry.continuation.resume() }
            } catch {
                let failure = SealError(.storageFailure, "cannot commit \(rows.count) sealed records")
                for entry in batch { entry.continuation.resume(throwing: failure) }
            }
        }
        flushing = false
    }
}
