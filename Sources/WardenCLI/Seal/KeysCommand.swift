import ArgumentParser

/// `warden keys …`: manage the key ring that protects the sealed prompt store. Every operation is an audit event.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the key ring of the sealed prompt store.",
        subcommands: [
            KeysInitCommand.self, KeysRotateCommand.self, KeysListCommand.self, KeysRetireCommand.self,
            KeysRewrapCommand.self,
        ]
    )
}
