import ArgumentParser
import WardenAudit

/// `warden audit prove --seq N`: an inclusion proof of one record in a signed checkpoint.
struct AuditProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Print an inclusion proof (JSON) of record --seq in a signed checkpoint.",
        discussion: "Check it with `warden audit verify --proof FILE --pubkey FILE` or any RFC 9162 implementation."
    )

    @OptionGroup var source: AuditProofOptions

    @Option(name: .long, help: "The record's sequence number.")
    var seq: UInt64

    @Option(name: .long, help: "Tree size of the checkpoint to prove against (default: the first covering the record).")
    var checkpoint: UInt64?

    func run() throws {
        try self.source.printProof { source in
            AuditProofDocument.json(try AuditProver.inclusionProof(source: source, seq: seq, treeSize: checkpoint))
        }
    }
}
