import ArgumentParser
import Foundation
import WardenSeal

/// `warden prompts show --id ID`: decrypts one record for an authorised auditor; the read is an audit event.
struct PromptsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Decrypt one record (recorded in the audit log as a read by --actor).")

    @OptionGroup var options: SealCommandOptions

    @Option(help: "The record id (32 hex digits).")
    var id: String

    func run() async throws {
        let store = try await options.openStore(sink: try await makeSealEventSink(for: options))
        let record = try await store.read(id: id, actor: options.resolvedActor)
        var header = """
            id: \(record.id)
            owner: \(record.metadata.owner)
            domain: \(record.metadata.domain)
            kind: \(record.metadata.kind)

            """
        if let model = record.metadata.model { header += "model: \(model)\n" }
        header += "created: \(record.createdAt.formatted(Date.ISO8601FormatStyle()))\n"
        header += "key-version: \(record.keyVersion)\n\n"
        try FileHandle.standardOutput.write(contentsOf: Data(header.utf8))
        try FileHandle.standardOutput.write(contentsOf: record.plaintext)
        if record.plaintext.last != 0x0A { try FileHandle.standardOutput.write(contentsOf: Data([0x0A])) }
    }
}
