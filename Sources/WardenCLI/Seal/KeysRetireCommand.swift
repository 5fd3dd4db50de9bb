import ArgumentParser
import WardenSeal

/// `warden keys retire --version V`: removes a version once no readable record in the store uses it.
struct KeysRetireCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retire", abstract: "Remove a key version that no record uses any more (run rewrap first).")

    @OptionGroup var options: SealCommandOptions

    @Option(help: "The key version to retire.")
    var version: UInt32

    func run() async throws {
        let path = try options.writableKeyRingFile()
        let sink = try await makeSealEventSink(for: options)
        let store = try await options.openStore(sink: sink)
        let ring = try await KeyRingAdministration.retire(
            version: version, at: path, checkedAgainst: store, actor: options.resolvedActor, sink: sink)
        print("retired version \(version); the ring holds \(ring.keys.map { String($0.version) }.joined(separator: ", "))")
    }
}
