import ArgumentParser
import Foundation
import WardenAudit

/// `warden audit verify`: checks a log database, an export, or a proof, with the public key alone.
struct AuditVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify every hash, link, sequence number, timestamp, checkpoint signature and root, and the witness.",
        discussion: """
            Exit status: 0 when everything verified ("OK: N records, M checkpoints, root ..."), 1 when tampering \
            was found (the message names the first bad sequence number and what is wrong), 2 when the input \
            could not be read. To verify several gateway instances, run it once per instance's log and witness.
            """
    )

    @Option(name: .long, help: "The audit log database.")
    var db: String?

    @Option(name: .long, help: "A JSONL export (from `warden audit export`) instead of a database.")
    var export: String?

    @Option(name: .long, help: "A proof document (from `prove` or `consistency`) to check instead.")
    var proof: String?

    @Option(name: .long, help: "The Ed25519 public key file (audit-signing.pub).")
    var pubkey: String

    @Option(name: .long, help: "The witness file, whose checkpoints must all be matched (detects a cut-off tail).")
    var witness: String?

    func validate() throws {
        guard [db, export, proof].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --db, --export or --proof")
        }
    }

    func run() throws {
        let report: VerificationReport = try AuditCLI.run {
            let key = try AuditKeys.loadPublicKey(path: pubkey)
            if let proof {
                let result = try AuditProofDocument.check(path: proof, publicKey: key)
                print(result.summary)
                if !result.isValid { throw ExitCode(1) }
                throw ExitCode.success
            }
            let bar = AuditProgressBar(label: "verifying")
            defer { bar.finish() }
            if let db {
                return try AuditVerifier.verifyDatabase(path: db, publicKey: key, witnessPath: witness, progress: bar.update)
            }
            return try AuditVerifier.verifyExport(path: export!, publicKey: key, witnessPath: witness, progress: bar.update)
        }
        print(report.summary)
        for note in report.notes { print("note: \(note)") }
        if !report.isValid { throw ExitCode(1) }
    }
}
