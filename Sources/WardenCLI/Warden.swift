import ArgumentParser

/// The `warden` command: a thin shell over the libraries. Each subcommand parses its flags and calls one library
/// entry point; no business logic lives here.
@main
struct Warden: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warden",
        abstract: "A secured gateway for running large language models on your own machines.",
        subcommands: [
            InitCommand.self, CertsCommand.self, ServeCommand.self,
            PolicyCommand.self, AuditCommand.self, KeysCommand.self, PromptsCommand.self,
            GenerateCommand.self, TokenizeCommand.self, EngineBenchCommand.self, BatchBenchCommand.self,
            SamplerBenchCommand.self,
        ])
}
