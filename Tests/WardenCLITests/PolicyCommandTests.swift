import Foundation
import Testing
import WardenTesting

/// `warden policy …` as an admin runs it against the repository's default policy.
@Suite struct PolicyCommandTests {
    static let policies = WardenProcess.repositoryRoot + "/Policies"

    @Test func enforceStreamsOneDecisionPerLineAndReportsBadLinesInPlace() throws {
        let directory = TemporaryDirectory(prefix: "enforce")
        let requests = """
            # a comment line prints nothing
            [{"Name":"alice","Role":"user","Team":"research","Clearance":1,"IP":"127.0.0.1"},"research",{"Path":"/v1/chat/completions","Model":"gemma-3-270m","Sensitivity":0},"POST"]

            [{"Name":"gina","Role":"guest","Team":"research","Clearance":0,"IP":"127.0.0.1"},"research",{"Path":"/v1/chat/completions","Model":"gemma-3-270m","Sensitivity":0},"POST"]
            [not json
            [{"Name":"root","Role":"admin","Team":"ops","Clearance":0,"IP":"127.0.0.1"},"ops",{"Path":"/admin/keys","Model":"","Sensitivity":0},"GET"]

            """
        try requests.write(toFile: directory.file("requests.txt"), atomically: true, encoding: .utf8)
        let result = try WardenProcess.run([
            "policy", "enforce", "--model", Self.policies + "/model.conf", "--policy", Self.policies + "/policy.csv",
            "--requests", directory.file("requests.txt"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(lines)")
        #expect(lines.first == "true")
        #expect(lines.dropFirst().first == "false")
        #expect(lines.dropFirst(2).first?.hasPrefix("error:") == true)
        #expect(lines.last == "true")
    }

    @Test func aBrokenPolicyFileExitsWithTwoAndItsFileLineColumn() throws {
        let directory = TemporaryDirectory(prefix: "broken")
        try "p, user, *, /v1/models\n".write(toFile: directory.file("policy.csv"), atomically: true, encoding: .utf8)
        let result = try WardenProcess.run([
            "policy", "enforce", "--model", Self.policies + "/model.conf", "--policy", directory.file("policy.csv"),
            "--requests", "/dev/null",
        ])
        #expect(result.status == 2)
        #expect(result.stderr.contains(directory.file("policy.csv") + ":1:"), "\(result.stderr)")
    }

    @Test func theDefaultPolicyPassesItsOwnCases() throws {
        let result = try WardenProcess.run([
            "policy", "test", "--model", Self.policies + "/model.conf", "--policy", Self.policies + "/policy.csv",
            Self.policies + "/policy.cases",
        ])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
    }

    @Test func aFailingCaseIsNamedWithItsLine() throws {
        let directory = TemporaryDirectory(prefix: "cases")
        let line = #"allow [{"Name":"gina","Role":"guest","Team":"research","Clearance":0,"IP":"127.0.0.1"},"research",{"Path":"/admin/keys","Model":"","Sensitivity":0},"GET"]"#
        try (line + "\n").write(toFile: directory.file("bad.cases"), atomically: true, encoding: .utf8)
        let result = try WardenProcess.run([
            "policy", "test", "--model", Self.policies + "/model.conf", "--policy", Self.policies + "/policy.csv",
            directory.file("bad.cases"),
        ])
        #expect(result.status != 0)
        #expect((result.stdout + result.stderr).contains("bad.cases:1"), "\(result.stdout) \(result.stderr)")
    }

    @Test func lintAcceptsTheDefaultPolicy() throws {
        let result = try WardenProcess.run([
            "policy", "lint", "--model", Self.policies + "/model.conf", "--policy", Self.policies + "/policy.csv",
        ])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
    }
}
