import ArgumentParser
import WardenAudit

/// `warden audit consistency --from SIZE1 --to SIZE2`: proves an older signed checkpoint is a prefix of a newer one.
struct AuditConsistencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consistency",
        abstract: "Print a consistency proof (JSON) between the signed checkpoints of two tree sizes.",
        discussion: "Check it with `warden audit verify --proof FILE --pubkey FILE`."
    )

    @OptionGroup var source: AuditProofOptions

    @Option(name: .long, help: "Tree size of the older checkpoint.")
    var from: UInt64

    @Option(name: .long, help: "Tree size of the newer checkpoint.")
    var to: UInt64

    func run() throws {
        try self.source.printProof { source in
            AuditProofDocument.json(try AuditProver.consistencyProof(source: source, from: from, to: to))
        }
    }
}
