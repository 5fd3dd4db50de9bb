import Foundation
import GRDB

/// Moves the oldest records of a live log into a verifiable JSONL segment, while the chain continues
/// in the database (AUDIT-FORMAT.md §10).
///
/// The cut must be at a checkpoint's tree size S. The segment is written and fsync'd first; then, in
/// one transaction, the database records the chain state at S (hash of record S and the compact range
/// of size S, recomputed from the records and checked against checkpoint S's signed root), deletes
/// records 1...S and the checkpoints before S. Checkpoint S stays: it authenticates that base.
/// Safe while the gateway runs: SQLite serialises it with the writer's transactions.
public enum AuditArchiver {
    @discardableResult
    public static func archive(databasePath: String, through size: UInt64, segmentPath: String) throws(AuditError) -> AuditExporter.Summary {
        let (base, checkpoint) = try readCut(databasePath: databasePath, size: size)
        let summary = try AuditExporter.export(databasePath: databasePath, outputPath: segmentPath, from: base.seq + 1, to: size)
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.label = "WardenAudit.archiver"
        do {
            let queue = try DatabaseQueue(path: databasePath, configuration: config)
            defer { try? queue.close() }
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try queue.inTransaction { db in
                guard try AuditStore.readBase(db) == base else {
                    throw AuditError(.storage, "the database was archived concurrently; try again")
                }
                var range = base.range
                var last = base.prevHash
                let cursor = try Data.fetchCursor(db, sql: "SELECT hash FROM audit_records WHERE seq > ? AND seq <= ? ORDER BY seq",
                                                  arguments: [Int64(base.seq), Int64(size)])
                while let hash = try cursor.next() {
                    last = [UInt8](hash)
                    range.append(recordHash: last)
                }
                guard range.size == size, range.root() == checkpoint.rootHash else {
                    throw AuditError(.storage, "records 1...\(size) do not match checkpoint \(size); run `warden audit verify` first")
                }
                try AuditStore.setMeta(db, "base_seq", String(size))
                try AuditStore.setMeta(db, "base_prev_hash", Hex.encode(last))
                try AuditStore.setMeta(db, "base_range", range.hashes.map { Hex.encode($0) }.joined(separator: ","))
                try db.execute(sql: "DELETE FROM audit_records WHERE seq <= ?", arguments: [Int64(size)])
                try db.execute(sql: "DELETE FROM audit_checkpoints WHERE tree_size < ?", arguments: [Int64(size)])
                return .commit
            }
        } catch let error as AuditError {
            throw error
        } catch {
            throw AuditError(.storage, "cannot archive: \(AuditStore.sqliteReason(error))")
        }
        return summary
    }

    private static func readCut(databasePath: String, size: UInt64) throws(AuditError) -> (AuditStore.Base, AuditCheckpoint) {
        let queue = try AuditStore.openReadOnly(path: databasePath)
        defer { try? queue.close() }
        return try queue.readOrThrow { db throws(AuditError) in
            _ = try AuditStore.readLogID(db)
            let base = try AuditStore.readBase(db)
            guard size > base.seq else { throw AuditError(.notFound, "records up to \(base.seq) are already archived") }
            let row: Row?
            do {
                row = try Row.fetchOne(db, sql: "SELECT * FROM audit_checkpoints WHERE tree_size = ?", arguments: [Int64(size)])
            } catch {
                throw AuditError(.storage, "cannot read checkpoints: \(AuditStore.sqliteReason(error))")
            }
            guard let row else { throw AuditError(.notFound, "no checkpoint of tree size \(size); archive at a checkpoint") }
            return (base, AuditStore.checkpoint(from: row))
        }
    }
}
