import ArgumentParser
import WardenAudit

/// Where `prove` and `consistency` read the log from, and the optional self-check of the proof they print.
struct AuditProofOptions: ParsableArguments {
    @Option(name: .long, help: "The audit log database.")
    var db: String?

    @Option(name: .long, help: "A complete JSONL export instead of a database.")
    var export: String?

    @Option(name: .long, help: "Also check the proof with this public key before printing it.")
    var pubkey: String?

    func validate() throws {
        guard (db == nil) != (export == nil) else { throw ValidationError("give exactly one of --db or --export") }
    }

    /// Builds the proof document with `makeDocument`, checks it against `--pubkey` if given, and prints it.
    func printProof(_ makeDocument: (AuditProofSource) throws -> String) throws {
        let text = try AuditCLI.run {
            let source: AuditProofSource = db.map { .database(path: $0) } ?? .export(path: export!)
            let text = try makeDocument(source)
            if let pubkey {
                let check = try AuditProofDocument.check(Array(text.utf8), publicKey: try AuditKeys.loadPublicKey(path: pubkey))
                guard check.isValid else { throw AuditCLIError(check.summary) }
            }
            return text
        }
        print(text)
    }
}
