import ArgumentParser
import WardenAudit

/// `warden audit archive --db PATH --through S --out FILE`: moves records 1...S into a JSONL segment.
struct AuditArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Move the records up to a checkpoint into a verifiable JSONL segment; the chain continues in the database.",
        discussion: "Verify the segment (`warden audit verify --export FILE --pubkey KEY`) and store it with a copy of the witness."
    )

    @Option(name: .long, help: "The audit log database.")
    var db: String

    @Option(name: .long, help: "Tree size of the checkpoint to cut at (records up to it are archived).")
    var through: UInt64

    @Option(name: .long, help: "Segment file to write.")
    var out: String

    @Option(name: .long, help: "Verify the segment with this public key before deleting anything from the database.")
    var pubkey: String?

    func run() throws {
        let summary = try AuditCLI.run {
            if let pubkey {
                let key = try AuditKeys.loadPublicKey(path: pubkey)
                let report = try AuditVerifier.verifyDatabase(path: db, publicKey: key)
                guard report.isValid else { throw AuditCLIError("refusing to archive a log that does not verify: \(report.summary)") }
            }
            return try AuditArchiver.archive(databasePath: db, through: through, segmentPath: out)
        }
        print("archived records \(summary.firstSeq)...\(summary.lastSeq) (\(summary.records) records, \(summary.checkpoints) checkpoints) of log \(summary.logID) to \(out)")
    }
}
