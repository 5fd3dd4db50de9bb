import ArgumentParser
import Foundation
import WardenPolicy

/// `warden policy enforce`: decides requests read one per line, streaming.
struct PolicyEnforceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enforce",
        abstract: "Decide requests, one per line, as the gateway would.",
        discussion: """
            Each line is a request: fields separated by commas with Casbin's CSV quoting (alice, data1, read), \
            or a JSON array whose items are strings, numbers, booleans or attribute objects \
            ([{"Age": 25}, "/data1", "read"]). Prints true or false per line (with --explain, a tab and the \
            deciding rule). Blank lines and lines starting with # print nothing. An invalid model or policy \
            exits with status 2; an invalid request line prints "error: ..." and processing goes on.
            """)

    @Option(help: "The model (.conf) file.") var model: String
    @Option(help: "The policy (.csv) file.") var policy: String
    @Option(help: "A file of requests (default: standard input).") var requests: String?
    @Flag(help: "Print the deciding rule after each decision.") var explain = false

    func run() throws {
        let enforcer: PolicyEnforcer
        do {
            enforcer = try PolicyEnforcer.load(modelPath: model, policyPath: policy)
        } catch {
            printPolicyError(error.description)
            throw ExitCode(2)
        }
        let input: FileHandle
        if let requests {
            guard let handle = FileHandle(forReadingAtPath: requests) else {
                printPolicyError("\(requests): cannot open file")
                throw ExitCode(2)
            }
            input = handle
        } else {
            input = .standardInput
        }
        var output = PolicyOutputBuffer()
        var lines = PolicyLineReader(handle: input)
        while let line = lines.next() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            do {
                let decision = enforcer.enforce(try PolicyRequestParser.parse(trimmed))
                if let error = decision.error {
                    output.write("error: \(error.message)\n")
                    continue
                }
                output.write(decision.allowed ? "true" : "false")
                if explain { output.write("\t" + (decision.rules.first.map(\.description) ?? decision.reason)) }
                output.write("\n")
            } catch {
                output.write("error: \(error.message)\n")
            }
        }
        output.flush()
    }
}
