import ArgumentParser
import WardenAudit

/// `warden audit consistency --from SIZE1 --to SIZE2`: proves an older signed checkpoint is a prefix of a newer one.
struct AuditConsistencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consistency",
        abstract: "Print a consistency proof (JSON) between the signed checkpoints of two tree sizes.",
        discussion: "Check it with `warden audit verify --proof FILE --pubkey FILE`."
    )

    @Option(name: .long, help: "The audit log database.")
    var db: String?

    @Option(name: .long, help: "A complete JSONL export instead of a database.")
    var export: String?

    @Option(name: .long, help: "Tree size of the older checkpoint.")
    var from: UInt64

    @Option(name: .long, help: "Tree size of the newer checkpoint.")
    var to: UInt64

    @Option(name: .long, help: "Also check the proof with this public key before printing it.")
    var pubkey: String?

    func validate() throws {
        guard (db == nil) != (export == nil) else { throw ValidationError("give exactly one of --db or --export") }
    }

    func run() throws {
        let text = try AuditCLI.run {
            let source: AuditProofSource = db.map { .database(path: $0) } ?? .export(path: export!)
            let proof = try AuditProver.consistencyProof(source: source, from: from, to: to)
            let text = AuditProofDocument.json(proof)
            if let pubkey {
                let check = try AuditProofDocument.check(Array(text.utf8), publicKey: try AuditKeys.loadPublicKey(path: pubkey))
                guard check.isValid else { throw AuditCLIError(check.summary) }
            }
            return text
        }
        print(text)
    }
}
