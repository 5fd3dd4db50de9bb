import ArgumentParser

/// `warden prompts …`: read back, shred and benchmark the sealed prompt store.
struct PromptsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prompts",
        abstract: "Read, shred and benchmark sealed prompts and completions.",
        subcommands: [PromptsShowCommand.self, PromptsShredCommand.self, PromptsBenchCommand.self]
    )
}
