import Dispatch
import Foundation
import GRDB

extension AuditLogWriter {
    /// Opens the database in WAL mode with synchronous FULL (checked, not assumed: see
    /// SWIFT-SERVER-NOTES §5) and creates or checks the schema and log id.
    static func openDatabase(configuration: AuditLogConfiguration) throws(AuditError) -> DatabaseQueue {
        var config = Configuration()
        config.label = "WardenAudit.writer"
        config.busyMode = .timeout(configuration.busyTimeoutSeconds)
        do {
            let queue = try DatabaseQueue(path: configuration.databasePath, configuration: config)
            try queue.writeWithoutTransaction { db in
                let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = FULL")
                let synchronous = try Int.fetchOne(db, sql: "PRAGMA synchronous")
                guard mode?.lowercased() == "wal", synchronous == 2 else {
                    throw AuditError(.storage, "cannot enable WAL mode with synchronous FULL")
                }
            }
            try queue.inTransaction { db in
                for statement in AuditStore.schema { try db.execute(sql: statement) }
                if let existing = try AuditStore.meta(db, "log_id") {
                    guard existing == configuration.logID else {
                        throw AuditError(.invalidConfiguration, "the database belongs to another log id")
                    }
                    guard try AuditStore.meta(db, "format_version") == AuditStore.formatVersion else {
                        throw AuditError(.storage, "unsupported audit format version")
                    }
                } else {
                    guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_records") == 0 else {
                        throw AuditError(.storage, "records exist but the log id is missing")
                    }
                    try AuditStore.setMeta(db, "format_version", AuditStore.formatVersion)
                    try AuditStore.setMeta(db, "log_id", configuration.logID)
                }
                return .commit
            }
            return queue
        } catch let error as AuditError {
            throw error
        } catch {
            throw AuditError(.storage, "cannot open the audit database: \(AuditStore.sqliteReason(error))")
        }
    }

    /// Rebuilds the head of the chain and the Merkle tree's right edge: from the compact range
    /// stored with the newest checkpoint, plus the records after it (so startup cost does not grow
    /// with the log).
    static func loadState(database: DatabaseQueue, logID: String) throws(AuditError) -> ChainState {
        let base = try database.readOrThrow { db throws(AuditError) in try AuditStore.readBase(db) }
        do {
            return try database.read { db in
                let last = try Row.fetchOne(db, sql: "SELECT seq, timestamp, hash FROM audit_records ORDER BY seq DESC LIMIT 1")
                let checkpointRow = try Row.fetchOne(db, sql: "SELECT * FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1")
                var range = base.range
                var lastCheckpoint: AuditCheckpoint?
                if let checkpointRow {
                    let checkpoint = AuditStore.checkpoint(from: checkpointRow)
                    guard let stored = AuditStore.decodeRange(checkpointRow["compact_range"], size: checkpoint.treeSize) else {
                        throw AuditError(.storage, "stored compact range of the newest checkpoint is malformed")
                    }
                    range = stored
                    lastCheckpoint = checkpoint
                }
                let cursor = try Row.fetchCursor(
                    db, sql: "SELECT seq, hash FROM audit_records WHERE seq > ? ORDER BY seq", arguments: [Int64(range.size)]
                )
                while let row = try cursor.next() {
                    guard UInt64(row[0] as Int64) == range.size + 1 else {
                        throw AuditError(.storage, "the database has a gap in its sequence numbers")
                    }
                    range.append(recordHash: [UInt8](row[1] as Data))
                }
                let lastSeq = last.map { UInt64($0[0] as Int64) } ?? base.seq
                guard range.size == lastSeq else {
                    throw AuditError(.storage, "the newest checkpoint covers more records than the database holds")
                }
                return ChainState(
                    nextSeq: lastSeq + 1,
                    lastHash: last.map { [UInt8]($0[2] as Data) } ?? base.prevHash,
                    lastTimestamp: last.map { $0[1] as Int64 } ?? 0,
                    range: range,
                    lastCheckpoint: lastCheckpoint,
                    recordsSinceCheckpoint: lastSeq - (lastCheckpoint?.treeSize ?? base.seq),
                    lastCheckpointTime: .now()
                )
            }
        } catch let error as AuditError {
            throw error
        } catch {
            throw AuditError(.storage, "cannot read the audit database: \(AuditStore.sqliteReason(error))")
        }
    }

    /// Refuses a database that is behind its witness, and re-writes to the witness a checkpoint that
    /// was committed to the database just before a crash but never reached the witness.
    static func reconcileWitness(_ witness: WitnessFile.Appender, state: ChainState, logID: String) throws(AuditError) {
        let contents = try WitnessFile.read(path: witness.path)
        let witnessed = contents.checkpoints.last
        if let witnessed {
            guard witnessed.logID == logID else { throw AuditError(.witness, "the witness file belongs to another log id") }
            guard witnessed.treeSize <= state.range.size else {
                throw AuditError(
                    .logBehindWitness,
                    "the witness holds a checkpoint of \(witnessed.treeSize) records but the database ends at seq \(state.range.size)"
                )
            }
        }
        if let newest = state.lastCheckpoint, newest.treeSize > (witnessed?.treeSize ?? 0) {
            try witness.append(newest)
        }
    }
}

extension DatabaseQueue {
    /// A read whose body throws only `AuditError`, with SQLite errors converted.
    func readOrThrow<T>(_ body: (Database) throws(AuditError) -> T) throws(AuditError) -> T {
        do {
            return try read { db in try body(db) }
        } catch let error as AuditError {
            throw error
        } catch {
            throw AuditError(.storage, "cannot read the audit database: \(AuditStore.sqliteReason(error))")
        }
    }
}
