import Foundation
import GRDB

/// Filters for `AuditReader.query`; every filter is optional and they combine with AND.
public struct AuditQuery: Sendable, Hashable {
    /// Microseconds since the epoch, inclusive.
    public var since: Int64?
    public var until: Int64?
    public var actor: String?
    public var type: AuditEventType?
    /// Most records returned (newest last); default 100.
    public var limit: Int = 100

    public init(since: Int64? = nil, until: Int64? = nil, actor: String? = nil, type: AuditEventType? = nil, limit: Int = 100) {
        self.since = since
        self.until = until
        self.actor = actor
        self.type = type
        self.limit = limit
    }
}

/// Read-only access for admins (`warden audit tail` / `query`). It does not verify: use
/// `AuditVerifier` for that. Queries scan by seq (the table has no secondary indexes, so that
/// appends stay fast); timestamps never decrease along seq, which bounds time-range scans.
public enum AuditReader {
    /// The newest `count` records with seq greater than `afterSeq`, oldest first.
    public static func tail(databasePath: String, count: Int, afterSeq: UInt64 = 0) throws(AuditError) -> [AuditRecord] {
        try fetch(databasePath: databasePath, sql: """
            SELECT * FROM (SELECT * FROM audit_records WHERE seq > ? ORDER BY seq DESC LIMIT ?) ORDER BY seq
            """, arguments: [Int64(afterSeq), max(0, count)])
    }

    public static func query(databasePath: String, _ query: AuditQuery) throws(AuditError) -> [AuditRecord] {
        var clauses = [String]()
        var arguments = StatementArguments()
        if let since = query.since { clauses.append("timestamp >= ?"); arguments += [since] }
        if let until = query.until { clauses.append("timestamp <= ?"); arguments += [until] }
        if let actor = query.actor { clauses.append("actor = ?"); arguments += [actor] }
        if let type = query.type { clauses.append("type = ?"); arguments += [type.rawValue] }
        let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        arguments += [max(0, query.limit)]
        return try fetch(databasePath: databasePath, sql: "SELECT * FROM audit_records \(filter) ORDER BY seq LIMIT ?", arguments: arguments)
    }

    private static func fetch(databasePath: String, sql: String, arguments: StatementArguments) throws(AuditError) -> [AuditRecord] {
        let queue = try AuditStore.openReadOnly(path: databasePath)
        defer { try? queue.close() }
        return try queue.readOrThrow { db throws(AuditError) in
            _ = try AuditStore.readLogID(db)
            do {
                return try Row.fetchAll(db, sql: sql, arguments: arguments).map(AuditRecordRow.decode)
            } catch let error as AuditError {
                throw error
            } catch {
                throw AuditError(.storage, "cannot read the audit database: \(AuditStore.sqliteReason(error))")
            }
        }
    }

    /// One line per record for terminals: seq, UTC time, type, actor, then name=value fields.
    public static func line(_ record: AuditRecord) -> String {
        let date = Date(timeIntervalSince1970: Double(record.timestamp) / 1_000_000)
        let time = date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon))
        let fields = record.event.fields.sorted { $0.key < $1.key }.map { "\($0.key)=\(printable($0.value))" }.joined(separator: " ")
        return "\(record.seq)\t\(time)Z\t\(record.event.type.rawValue)\t\(printable(.string(record.event.actor)))\t\(fields)"
    }

    /// JSON form of a record (as in exports), for `--json` output.
    public static func json(_ record: AuditRecord) -> String { JSONLine.record(record) }

    /// Strings with spaces or control characters are shown quoted and escaped, so a crafted value
    /// cannot forge extra columns or terminal escapes.
    private static func printable(_ value: AuditFieldValue) -> String {
        guard case .string(let s) = value else { return value.description }
        if s.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && $0 != "\"" }) && !s.isEmpty { return s }
        var out = ""
        JSONLine.quote(s, into: &out)
        return out
    }
}
