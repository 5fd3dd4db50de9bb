import ArgumentParser
import WardenSeal

/// `warden keys rewrap`: moves every record's data key to the primary version, without decrypting any content.
struct KeysRewrapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewrap", abstract: "Re-wrap all records' data keys under the primary key version.")

    @OptionGroup var options: SealCommandOptions

    func run() async throws {
        let store = try await options.openStore(sink: try await makeSealEventSink(for: options))
        let moved = try await store.rewrap(actor: options.resolvedActor)
        print("rewrapped \(moved) records to key version \(store.keyRing.primaryVersion)")
    }
}
