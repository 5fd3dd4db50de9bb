import ArgumentParser
import Foundation
import WardenPolicy

/// `warden policy test`: runs a cases file of expected decisions against a policy.
struct PolicyTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Check a policy against a file of expected decisions.",
        discussion: """
            Each case line is 'allow' or 'deny' followed by a request, as 'warden policy enforce' reads it: \
            allow alice, data1, read   or   deny ["bob", "data1", "write"]. \
            Exits with status 1 when a case fails and 2 when a file is invalid.
            """)

    @Argument(help: "The cases file.") var cases: String
    @Option(help: "The model (.conf) file (default: model.conf beside the cases file).") var model: String?
    @Option(help: "The policy (.csv) file (default: policy.csv beside the cases file).") var policy: String?

    func run() throws {
        let folder = (cases as NSString).deletingLastPathComponent
        let modelPath = model ?? (folder.isEmpty ? "model.conf" : folder + "/model.conf")
        let policyPath = policy ?? (folder.isEmpty ? "policy.csv" : folder + "/policy.csv")
        let enforcer: PolicyEnforcer
        let parsed: [PolicyCase]
        do {
            enforcer = try PolicyEnforcer.load(modelPath: modelPath, policyPath: policyPath)
            parsed = try PolicyCases.load(path: cases)
        } catch {
            printPolicyError(error.description)
            throw ExitCode(2)
        }
        let failures = PolicyCases.run(parsed, on: enforcer)
        for failure in failures { print("FAIL \(failure)") }
        print("\(parsed.count - failures.count) of \(parsed.count) cases passed")
        if !failures.isEmpty { throw ExitCode(1) }
    }
}
