import ArgumentParser
import Foundation
import WardenPolicy

/// `warden policy diff`: which decisions change between two policy folders.
struct PolicyDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show which decisions change between two policy folders (model.conf + policy.csv each).",
        discussion: """
            Without --requests, every combination of the subjects, domains, objects and actions either policy \
            mentions is decided by both. Requests with attribute objects cannot be guessed: pass them with \
            --requests (one per line, as 'warden policy enforce' reads them). Exits with status 1 when \
            decisions change.
            """)

    @Option(help: "Folder with the current model.conf and policy.csv.") var old: String
    @Option(help: "Folder with the proposed model.conf and policy.csv.") var new: String
    @Option(help: "A file of requests to compare instead of the generated ones.") var requests: String?

    func run() throws {
        let before: PolicyEnforcer
        let after: PolicyEnforcer
        do {
            before = try PolicyEnforcer.load(modelPath: old + "/model.conf", policyPath: old + "/policy.csv")
            after = try PolicyEnforcer.load(modelPath: new + "/model.conf", policyPath: new + "/policy.csv")
        } catch {
            printPolicyError(error.description)
            throw ExitCode(2)
        }
        var requestList: [[PolicyValue]] = []
        if let requests {
            guard let handle = FileHandle(forReadingAtPath: requests) else {
                printPolicyError("\(requests): cannot open file")
                throw ExitCode(2)
            }
            var lines = PolicyLineReader(handle: handle)
            var number = 0
            while let line = lines.next() {
                number += 1
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                do {
                    requestList.append(try PolicyRequestParser.parse(trimmed))
                } catch {
                    printPolicyError("\(requests):\(number):1: \(error.message)")
                    throw ExitCode(2)
                }
            }
        } else {
            guard let generated = PolicyDiff.vocabularyRequests([before, after]) else {
                printPolicyError("too many combinations to try (more than \(PolicyDiff.maximumRequests)); pass --requests")
                throw ExitCode(2)
            }
            requestList = generated
        }
        let changes = PolicyDiff.compare(old: before, new: after, requests: requestList)
        for change in changes { print(change) }
        print("\(changes.count) of \(requestList.count) decisions change")
        if !changes.isEmpty { throw ExitCode(1) }
    }
}
