import ArgumentParser
import WardenAudit

/// `warden audit prove --seq N`: an inclusion proof of one record in a signed checkpoint.
struct AuditProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Print an inclusion proof (JSON) of record --seq in a signed checkpoint.",
        discussion: "Check it with `warden audit verify --proof FILE --pubkey FILE` or any RFC 9162 implementation."
    )

    @Option(name: .long, help: "The audit log database.")
    var db: String?

    @Option(name: .long, help: "A complete JSONL export instead of a database.")
    var export: String?

    @Option(name: .long, help: "The record's sequence number.")
    var seq: UInt64

    @Option(name: .long, help: "Tree size of the checkpoint to prove against (default: the first covering the record).")
    var checkpoint: UInt64?

    @Option(name: .long, help: "Also check the proof with this public key before printing it.")
    var pubkey: String?

    func validate() throws {
        guard (db == nil) != (export == nil) else { throw ValidationError("give exactly one of --db or --export") }
    }

    func run() throws {
        let text = try AuditCLI.run {
            let source: AuditProofSource = db.map { .database(path: $0) } ?? .export(path: export!)
            let proof = try AuditProver.inclusionProof(source: source, seq: seq, treeSize: checkpoint)
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
