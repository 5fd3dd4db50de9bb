import Foundation
import GRDB

/// The SQLite schema of an audit log database and the queries shared by the writer, the
/// verifier and the admin tools (AUDIT-FORMAT.md §3).
enum AuditStore {
    static let formatVersion = "1"

    static let schema = [
        """
        CREATE TABLE IF NOT EXISTS audit_meta (
            name TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS audit_records (
            seq INTEGER PRIMARY KEY NOT NULL,
            timestamp INTEGER NOT NULL,
            type TEXT NOT NULL,
            actor TEXT NOT NULL,
            fields BLOB NOT NULL,
            prev_hash BLOB NOT NULL,
            hash BLOB NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS audit_checkpoints (
            tree_size INTEGER PRIMARY KEY NOT NULL,
            root_hash BLOB NOT NULL,
            timestamp INTEGER NOT NULL,
            log_id TEXT NOT NULL,
            key_id TEXT NOT NULL,
            signature BLOB NOT NULL,
            compact_range BLOB NOT NULL
        )
        """,
    ]

    static let insertRecordSQL =
        "INSERT INTO audit_records (seq, timestamp, type, actor, fields, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)"
    static let insertCheckpointSQL = """
        INSERT INTO audit_checkpoints (tree_size, root_hash, timestamp, log_id, key_id, signature, compact_range)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """

    /// Where the records in this database start: 0 and the genesis hash for a full log, or the last
    /// archived seq with its hash and compact range after old records were moved to an archive.
    struct Base: Equatable {
        var seq: UInt64
        var prevHash: [UInt8]
        var range: CompactRange

        static let genesis = Base(seq: 0, prevHash: AuditRecord.genesisPrevHash, range: CompactRange())
    }

    static func meta(_ db: Database, _ name: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM audit_meta WHERE name = ?", arguments: [name])
    }

    static func setMeta(_ db: Database, _ name: String, _ value: String) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO audit_meta (name, value) VALUES (?, ?)", arguments: [name, value])
    }

    /// Reads and checks the format version and log id; throws if this is not a Warden audit database.
    static func readLogID(_ db: Database) throws(AuditError) -> String {
        do {
            guard try db.tableExists("audit_meta"), try db.tableExists("audit_records"), try db.tableExists("audit_checkpoints") else {
                throw AuditError(.storage, "not a Warden audit log database (tables missing)")
            }
            guard let version = try meta(db, "format_version"), version == formatVersion else {
                throw AuditError(.storage, "unsupported or missing audit format version")
            }
            guard let logID = try meta(db, "log_id") else { throw AuditError(.storage, "database has no log id") }
            return logID
        } catch let error as AuditError {
            throw error
        } catch {
            throw AuditError(.storage, "cannot read the audit database: \(sqliteReason(error))")
        }
    }

    static func readBase(_ db: Database) throws(AuditError) -> Base {
        do {
            guard let seqText = try meta(db, "base_seq") else { return .genesis }
            guard let seq = UInt64(seqText), let prev = try meta(db, "base_prev_hash").flatMap(Hex.decode), prev.count == 32,
                  let rangeText = try meta(db, "base_range") else {
                throw AuditError(.storage, "archive base metadata is malformed")
            }
            let hashes = rangeText.isEmpty ? [] : rangeText.split(separator: ",").map { Hex.decode(String($0)) ?? [] }
            guard let range = CompactRange(size: seq, hashes: hashes) else {
                throw AuditError(.storage, "archive base metadata is malformed")
            }
            return Base(seq: seq, prevHash: prev, range: range)
        } catch let error as AuditError {
            throw error
        } catch {
            throw AuditError(.storage, "cannot read the audit database: \(sqliteReason(error))")
        }
    }

    static func encodeRange(_ range: CompactRange) -> Data {
        Data(range.hashes.joined())
    }

    static func decodeRange(_ data: Data, size: UInt64) -> CompactRange? {
        let bytes = [UInt8](data)
        guard bytes.count % 32 == 0 else { return nil }
        let hashes = stride(from: 0, to: bytes.count, by: 32).map { Array(bytes[$0..<($0 + 32)]) }
        return CompactRange(size: size, hashes: hashes)
    }

    static func checkpoint(from row: Row) -> AuditCheckpoint {
        AuditCheckpoint(
            logID: row["log_id"], treeSize: UInt64(max(0, row["tree_size"] as Int64)), rootHash: [UInt8](row["root_hash"] as Data),
            timestamp: row["timestamp"], keyID: row["key_id"], signature: [UInt8](row["signature"] as Data)
        )
    }

    /// A description of a GRDB/SQLite error that carries the SQLite message but no SQL arguments.
    static func sqliteReason(_ error: any Error) -> String {
        if let e = error as? DatabaseError { return "SQLite error \(e.resultCode.rawValue): \(e.message ?? "unknown")" }
        return "\(type(of: error))"
    }

    /// Opens a read-only connection for the verifier and admin tools; never creates a file.
    static func openReadOnly(path: String) throws(AuditError) -> DatabaseQueue {
        guard FileManager.default.fileExists(atPath: path) else {
            throw AuditError(.storage, "database file not found: \(path)")
        }
        var config = Configuration()
        config.readonly = true
        config.label = "WardenAudit.reader"
        do {
            return try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw AuditError(.storage, "cannot open \(path): \(sqliteReason(error))")
        }
    }
}
