import ArgumentParser
import WardenAudit

/// `warden audit export --format jsonl [--from N --to M]`: a self-contained file an auditor can verify without SQLite.
struct AuditExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export records and checkpoints as JSON lines (see Docs/AUDIT-FORMAT.md).",
        discussion: "Choose --to at a checkpoint's tree size so that every exported record is covered by a signature."
    )

    @Option(name: .long, help: "The audit log database.")
    var db: String

    @Option(name: .long, help: "Output format; only jsonl.")
    var format: String = "jsonl"

    @Option(name: .long, help: "First seq to export (default: the first in the database).")
    var from: UInt64?

    @Option(name: .long, help: "Last seq to export (default: the last in the database).")
    var to: UInt64?

    @Option(name: .long, help: "Output file (default: standard output).")
    var out: String?

    func validate() throws {
        guard format == "jsonl" else { throw ValidationError("--format must be jsonl") }
    }

    func run() throws {
        let summary = try AuditCLI.run {
            try AuditExporter.export(databasePath: db, outputPath: out, from: from, to: to)
        }
        if out != nil {
            print("exported records \(summary.firstSeq)...\(summary.lastSeq) (\(summary.records) records, \(summary.checkpoints) checkpoints) of log \(summary.logID)")
        }
    }
}
