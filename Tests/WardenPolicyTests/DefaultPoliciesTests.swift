import Foundation
import Testing
@testable import WardenPolicy

/// Warden's shipped `Policies/` must load, pass its own cases, lint clean and behave as documented.
@Suite struct DefaultPoliciesTests {
    let model = TestSupport.policies.appendingPathComponent("model.conf").path
    let policy = TestSupport.policies.appendingPathComponent("policy.csv").path
    let cases = TestSupport.policies.appendingPathComponent("policy.cases").path

    @Test func theDefaultPolicyPassesItsCasesAndLintsClean() throws {
        let enforcer = try PolicyEnforcer.load(modelPath: model, policyPath: policy)
        let parsed = try PolicyCases.load(path: cases)
        #expect(parsed.count >= 15)
        #expect(PolicyCases.run(parsed, on: enforcer).isEmpty)
        #expect(PolicyLinter.lint(modelPath: model, policyPath: policy).isEmpty)
    }

    @Test func aReloadCandidateIsReadyOnlyWhenItsCasesPass() throws {
        guard case .ready(_, let count) = PolicyEnforcer.prepareReload(modelPath: model, policyPath: policy, casesPath: cases) else {
            Issue.record("the default policy should be a valid reload candidate")
            return
        }
        #expect(count >= 15)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("warden-reload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("policy.csv")
        // Dropping the admin rules must be caught by the cases, not swapped in.
        let text = try String(contentsOfFile: policy, encoding: .utf8).split(separator: "\n").filter { !$0.contains("p, admin,") }.joined(separator: "\n")
        try text.write(to: broken, atomically: true, encoding: .utf8)
        guard case .rejected(let errors) = PolicyEnforcer.prepareReload(modelPath: model, policyPath: broken.path, casesPath: cases) else {
            Issue.record("a policy that fails its cases must be rejected")
            return
        }
        #expect(errors.allSatisfy { $0.code == .caseFailed })
        #expect(errors.first?.description.contains("policy.cases:") == true)
        let invalid = folder.appendingPathComponent("invalid.csv")
        try "p, admin, *\n".write(to: invalid, atomically: true, encoding: .utf8)
        guard case .rejected(let loadErrors) = PolicyEnforcer.prepareReload(modelPath: model, policyPath: invalid.path, casesPath: cases) else {
            Issue.record("an invalid policy must be rejected")
            return
        }
        #expect(loadErrors.first?.description.hasPrefix(invalid.path + ":1:1: ") == true)
    }

    @Test func theGatewayRequestShapeIsDecidedWithAnExplanation() throws {
        let enforcer = try PolicyEnforcer.load(modelPath: model, policyPath: policy)
        let decision = enforcer.enforce([
            ["Name": "alice", "Role": "user", "Team": "research", "Clearance": 2, "IP": "127.0.0.1"], "research",
            ["Path": "/v1/chat/completions", "Model": "gemma-3-270m", "Sensitivity": 1], "POST",
        ])
        #expect(decision.allowed)
        #expect(decision.rules.first?.values.prefix(4) == ["user", "*", "/v1/chat/completions", "POST"])
        #expect(decision.rules.first?.location.file == policy)
    }

    @Test func diffReportsDecisionsThatChange() throws {
        let rbac = RoleManagerTests.rbacModel
        let old = try PolicyEnforcer(modelText: rbac, policyText: "p, alice, data1, read\np, bob, data2, write\n")
        let new = try PolicyEnforcer(modelText: rbac, policyText: "p, alice, data1, read\np, bob, data2, read\n")
        let requests = try #require(PolicyDiff.vocabularyRequests([old, new]))
        let changes = PolicyDiff.compare(old: old, new: new, requests: requests)
        #expect(changes.map { $0.request } == [["bob", "data2", "read"], ["bob", "data2", "write"]])
    }
}
