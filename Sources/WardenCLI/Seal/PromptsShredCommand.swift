import ArgumentParser
import Foundation
import WardenSeal

/// `warden prompts shred (--id ID | --subject S | --older-than 30d)`: destroys data keys; each batch is an audit event.
struct PromptsShredCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shred", abstract: "Destroy records' data keys, making their content unrecoverable.")

    @OptionGroup var options: SealCommandOptions

    @Option(help: "Shred one record.")
    var id: String?

    @Option(help: "Shred every record owned by this identity (an erasure request).")
    var subject: String?

    @Option(name: .customLong("older-than"), help: ArgumentHelp("Shred every record older than this age (s, m, h, d, w).", valueName: "AGE"))
    var olderThan: String?

    func validate() throws {
        guard [id, subject, olderThan].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --id, --subject, --older-than")
        }
    }

    func run() async throws {
        let selector: ShredSelector
        if let id {
            selector = .record(id: id)
        } else if let subject {
            guard !subject.isEmpty else { throw ValidationError("--subject must not be empty") }
            selector = .owner(subject)
        } else {
            let age = try RetentionAge.parse(olderThan ?? "")
            selector = .createdBefore(Date().addingTimeInterval(-Double(age.components.seconds)))
        }
        let store = try await options.openStore(sink: try await makeSealEventSink(for: options))
        let report = try await store.shred(selector, actor: options.resolvedActor)
        print("shredded \(report.shreddedRecordIDs.count) records (\(report.events) audit events)")
        for recordID in report.shreddedRecordIDs.prefix(20) { print("  \(recordID)") }
        if report.shreddedRecordIDs.count > 20 { print("  …") }
    }
}
