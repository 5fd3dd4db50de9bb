import ArgumentParser

/// `warden policy`: tools for Casbin-style policies.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Check, test, compare and benchmark Casbin-style access policies.",
        subcommands: [
            PolicyEnforceCommand.self, PolicyLintCommand.self, PolicyTestCommand.self, PolicyDiffCommand.self,
            PolicyBenchCommand.self,
        ])
}
