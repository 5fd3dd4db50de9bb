import ArgumentParser
import Foundation
import WardenAudit

/// `warden audit query`: records by time, identity and event type.
struct AuditQueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "query", abstract: "Find audit records by time, identity and event type.")

    @Option(name: .long, help: "The audit log database.")
    var db: String

    @Option(name: .long, help: "Only records at or after this time (ISO 8601, e.g. 2026-11-23T13:00:00Z).")
    var since: String?

    @Option(name: .long, help: "Only records at or before this time (ISO 8601).")
    var until: String?

    @Option(name: .long, help: "Only this actor identity (exact match).")
    var actor: String?

    @Option(name: .long, help: "Only this event type, e.g. request.decided.")
    var type: String?

    @Option(name: .long, help: "Most records to print.")
    var limit: Int = 100

    @Flag(name: .long, help: "Print JSON lines (the export's record form).")
    var json = false

    static func micros(_ text: String?, _ name: String) throws -> Int64? {
        guard let text else { return nil }
        guard let date = try? Date(text, strategy: .iso8601) else {
            throw ValidationError("--\(name) must be an ISO 8601 time such as 2026-11-23T13:00:00Z")
        }
        return Int64(date.timeIntervalSince1970 * 1_000_000)
    }

    func run() throws {
        let query = AuditQuery(
            since: try Self.micros(since, "since"), until: try Self.micros(until, "until"), actor: actor,
            type: type.map { AuditEventType(rawValue: $0) }, limit: limit
        )
        let records = try AuditCLI.run { try AuditReader.query(databasePath: db, query) }
        for record in records { print(json ? AuditReader.json(record) : AuditReader.line(record)) }
    }
}
