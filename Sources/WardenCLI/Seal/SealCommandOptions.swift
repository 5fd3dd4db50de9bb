import ArgumentParser
import Foundation
import WardenGateway
import WardenSeal

/// Flags shared by `warden keys …` and `warden prompts …`: where the key ring and the store are, and who acts.
struct SealCommandOptions: ParsableArguments {
    @Option(
        name: .customLong("config"),
        help: ArgumentHelp(
            "Warden configuration: its audit log records the operation, and its seal section gives --keyring and --db.",
            valueName: "FILE"))
    var configurationPath: String?

    @Option(name: .customLong("keyring"), help: ArgumentHelp("Key ring file (mode 0600).", valueName: "FILE"))
    var keyRingFileOption: String?

    /// The configuration named by `--config`, if any.
    func wardenConfiguration() throws -> WardenConfiguration? {
        guard let configurationPath else { return nil }
        return try WardenConfiguration.load(path: configurationPath)
    }

    /// `--keyring`, or the configuration's key ring file.
    var keyRingFile: String? {
        if let keyRingFileOption { return keyRingFileOption }
        guard keyRingEnvironmentVariable == nil, keyRingCredential == nil else { return nil }
        guard let configuration = try? wardenConfiguration() else { return nil }
        if configuration.seal.keyRingEnvironment != nil || configuration.seal.keyRingCredential != nil { return nil }
        return configuration.seal.keyRingPath
    }

    @Option(name: .customLong("keyring-env"), help: ArgumentHelp("Read the key ring from this environment variable.", valueName: "VAR"))
    var keyRingEnvironmentVariable: String?

    @Option(
        name: .customLong("keyring-credential"),
        help: ArgumentHelp("Read the key ring from the systemd credential $CREDENTIALS_DIRECTORY/NAME.", valueName: "NAME"))
    var keyRingCredential: String?

    @Option(name: .customLong("db"), help: ArgumentHelp("Sealed store database file.", valueName: "FILE"))
    var databasePathOption: String?

    /// `--db`, or the configuration's sealed store database.
    var databasePath: String? {
        databasePathOption ?? (try? wardenConfiguration())?.seal.databasePath
    }

    @Option(help: ArgumentHelp("Identity recorded as the actor in audit events (default: local-operator:$USER).", valueName: "NAME"))
    var actor: String?

    /// The actor for audit events: the flag, or the operating-system user running the command.
    var resolvedActor: String {
        if let actor, !actor.isEmpty { return actor }
        return "local-operator:" + (ProcessInfo.processInfo.environment["USER"] ?? "uid-\(getuid())")
    }

    func validate() throws {
        let sources = [keyRingFileOption, keyRingEnvironmentVariable, keyRingCredential].compactMap { $0 }
        guard sources.count <= 1 else {
            throw ValidationError("give at most one of --keyring, --keyring-env, --keyring-credential")
        }
    }

    /// The key ring source named on the command line.
    func keyRingSource() throws -> KeyRingSource {
        if let keyRingFileOption { return .file(path: keyRingFileOption) }
        if let keyRingEnvironmentVariable { return .environment(variable: keyRingEnvironmentVariable) }
        if let keyRingCredential { return .systemdCredential(name: keyRingCredential) }
        if let configuration = try wardenConfiguration() { return configuration.seal.keyRingSource }
        throw ValidationError("name the key ring with --keyring FILE (or --keyring-env / --keyring-credential)")
    }

    /// The key ring file, for commands that change the ring.
    func writableKeyRingFile() throws -> String {
        guard let keyRingFile else {
            throw ValidationError("this command changes the key ring: give --keyring FILE (environment and credential rings are read-only)")
        }
        return keyRingFile
    }

    /// Opens the store named by `--db` with the key ring named on the command line.
    func openStore(sink: any SealEventSink) async throws -> SealedStore {
        guard let databasePath else { throw ValidationError("give the sealed store database with --db FILE") }
        return try await SealedStore.open(
            SealedStoreConfiguration(databasePath: databasePath, keyRing: try keyRingSource()), sink: sink)
    }
}
