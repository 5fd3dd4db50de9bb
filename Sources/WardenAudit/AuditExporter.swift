#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRDB

/// Writes a JSONL export of a log database (AUDIT-FORMAT.md §5): a header, then the records in
/// order, each checkpoint placed right after the record that completes its tree.
public enum AuditExporter {
    /// What an export contained.
    public struct Summary: Sendable, Hashable {
        public let logID: String
        public let firstSeq: UInt64
        public let lastSeq: UInt64
        public let records: UInt64
        public let checkpoints: Int
    }

    /// Exports records `from...to` (defaults: the whole log) to `outputPath`, or to standard output when nil.
    @discardableResult
    public static func export(
        databasePath: String, outputPath: String?, from: UInt64? = nil, to: UInt64? = nil
    ) throws(AuditError) -> Summary {
        let queue = try AuditStore.openReadOnly(path: databasePath)
        defer { try? queue.close() }
        let sink = try OutputSink(path: outputPath)
        return try queue.readOrThrow { db throws(AuditError) in
            let logID = try AuditStore.readLogID(db)
            let base = try AuditStore.readBase(db)
            do {
                let lastInLog = UInt64(max(0, try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM audit_records") ?? Int64(base.seq)))
                let first = from ?? base.seq + 1
                let last = to ?? lastInLog
                guard first >= base.seq + 1, first >= 1, last <= lastInLog, first <= last + 1 else {
                    throw AuditError(.notFound, "the log holds records \(base.seq + 1)...\(lastInLog); requested \(first)...\(last)")
                }
                // The chain state just before `first`: replay hashes from the base.
                var range = base.range
                var prev = base.prevHash
                let prefix = try Row.fetchCursor(db, sql: "SELECT hash FROM audit_records WHERE seq > ? AND seq < ? ORDER BY seq",
                                                 arguments: [Int64(base.seq), Int64(first)])
                while let row = try prefix.next() {
                    prev = [UInt8](row[0] as Data)
                    range.append(recordHash: prev)
                }
                guard range.size == first - 1 else { throw AuditError(.storage, "the log has a gap before seq \(first)") }
                let header = AuditExportHeader(logID: logID, firstSeq: first, lastSeq: last, basePrevHash: prev, baseRange: range)
                try sink.write(header.line())
                let checkpoints = try Row.fetchAll(db, sql: "SELECT * FROM audit_checkpoints WHERE tree_size >= ? AND tree_size <= ? ORDER BY tree_size",
                                                   arguments: [Int64(first - 1), Int64(last)]).map(AuditStore.checkpoint(from:))
                var nextCheckpoint = 0
                func flushCheckpoints(upTo size: UInt64) throws(AuditError) {
                    while nextCheckpoint < checkpoints.count, checkpoints[nextCheckpoint].treeSize <= size {
                        try sink.write(JSONLine.checkpoint(checkpoints[nextCheckpoint]))
                        nextCheckpoint += 1
                    }
                }
                try flushCheckpoints(upTo: first - 1)
                var count: UInt64 = 0
                let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM audit_records WHERE seq >= ? AND seq <= ? ORDER BY seq",
                                                 arguments: [Int64(first), Int64(last)])
                while let row = try cursor.next() {
                    let record = try AuditRecordRow.decode(row)
                    try sink.write(JSONLine.record(record))
                    count += 1
                    try flushCheckpoints(upTo: record.seq)
                }
                try sink.finish()
                return Summary(logID: logID, firstSeq: first, lastSeq: last, records: count, checkpoints: checkpoints.count)
            } catch let error as AuditError {
                throw error
            } catch {
                throw AuditError(.storage, "cannot read the audit database: \(AuditStore.sqliteReason(error))")
            }
        }
    }
}

/// Decodes stored rows into records (used by export, tail and query).
enum AuditRecordRow {
    static func decode(_ row: Row) throws -> AuditRecord {
        let fieldsData: Data = row["fields"]
        let fields: [String: AuditFieldValue]
        do {
            fields = try CanonicalEncoding.decodeFields([UInt8](fieldsData))
        } catch {
            throw AuditError(.storage, "record \(row["seq"] as Int64) has a malformed fields column")
        }
        return AuditRecord(
            seq: UInt64(max(0, row["seq"] as Int64)), timestamp: row["timestamp"],
            event: AuditEvent(type: AuditEventType(rawValue: row["type"]), actor: row["actor"], fields: fields),
            prevHash: [UInt8](row["prev_hash"] as Data), hash: [UInt8](row["hash"] as Data)
        )
    }
}

/// Buffered output to a new file (created 0644) or standard output.
final class OutputSink {
    private let fd: Int32
    private let ownsFD: Bool
    private var buffer = [UInt8]()
    private let name: String

    init(path: String?) throws(AuditError) {
        if let path {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw AuditError(.notFound, "cannot create \(path) (errno \(errno))") }
            self.fd = fd
            ownsFD = true
            name = path
        } else {
            fd = 1
            ownsFD = false
            name = "standard output"
        }
        buffer.reserveCapacity(1 << 20)
    }

    deinit { if ownsFD { close(fd) } }

    func write(_ line: String) throws(AuditError) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws(AuditError) {
        try FileIO.writeAll(fd: fd, bytes: buffer, code: .storage, path: name)
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws(AuditError) {
        try flush()
        if ownsFD, fsync(fd) != 0 { throw AuditError(.storage, "fsync failed for \(name)") }
    }
}
