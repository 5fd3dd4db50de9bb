import ArgumentParser
import WardenSeal

/// `warden keys init`: creates a key ring file with one random version (refuses to overwrite).
struct KeysInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create a new key ring file (mode 0600).")

    @OptionGroup var options: SealCommandOptions

    func run() async throws {
        let path = try options.writableKeyRingFile()
        let sink = try await makeSealEventSink(for: options)
        let ring = try await KeyRingAdministration.createKeyRing(at: path, actor: options.resolvedActor, sink: sink)
        print("created key ring \(path): primary version \(ring.primaryVersion), check \(ring.primary.checkValue)")
    }
}
