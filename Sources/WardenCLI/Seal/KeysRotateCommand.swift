import ArgumentParser
import WardenSeal

/// `warden keys rotate`: adds a new primary version; older versions keep decrypting until rewrapped and retired.
struct KeysRotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate", abstract: "Add a new primary key version (running gateways pick it up within a second).")

    @OptionGroup var options: SealCommandOptions

    func run() async throws {
        let path = try options.writableKeyRingFile()
        let sink = try await makeSealEventSink(for: options)
        let ring = try await KeyRingAdministration.rotate(at: path, actor: options.resolvedActor, sink: sink)
        print("rotated \(path): primary version is now \(ring.primaryVersion), check \(ring.primary.checkValue)")
    }
}
