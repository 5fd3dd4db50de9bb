import ArgumentParser
import Foundation
import WardenAudit

/// `warden audit tail`: the newest records, optionally following new ones.
struct AuditTailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tail", abstract: "Show the newest audit records.")

    @Option(name: .long, help: "The audit log database.")
    var db: String

    @Option(name: [.customShort("n"), .long], help: "How many records.")
    var count: Int = 20

    @Flag(name: [.short, .long], help: "Keep printing new records as they are appended.")
    var follow = false

    @Flag(name: .long, help: "Print JSON lines (the export's record form).")
    var json = false

    func run() async throws {
        var last: UInt64 = 0
        var records = try AuditCLI.run { try AuditReader.tail(databasePath: db, count: count) }
        while true {
            for record in records {
                print(json ? AuditReader.json(record) : AuditReader.line(record))
                last = record.seq
            }
            guard follow else { return }
            try await Task.sleep(for: .seconds(1))
            records = try AuditCLI.run { try AuditReader.tail(databasePath: db, count: 10_000, afterSeq: last) }
        }
    }
}
