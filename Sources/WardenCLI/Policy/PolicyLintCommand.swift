import ArgumentParser
import WardenPolicy

/// `warden policy lint`: static checks of a model and policy.
struct PolicyLintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Find mistakes in a model and policy without running requests.",
        discussion: "Exits with status 2 on errors, 1 on warnings only, 0 when clean.")

    @Option(help: "The model (.conf) file.") var model: String
    @Option(help: "The policy (.csv) file.") var policy: String

    func run() throws {
        let diagnostics = PolicyLinter.lint(modelPath: model, policyPath: policy)
        for diagnostic in diagnostics { print(diagnostic) }
        if diagnostics.contains(where: { $0.severity == .error }) { throw ExitCode(2) }
        if !diagnostics.isEmpty { throw ExitCode(1) }
        print("no problems found")
    }
}
