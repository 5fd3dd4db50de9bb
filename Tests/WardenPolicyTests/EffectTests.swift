import Testing
@testable import WardenPolicy

/// The five Casbin effects, with the deciding rule each decision reports.
@Suite struct EffectTests {
    static func model(_ effect: String, priority: Bool = false) -> String {
        """
        [request_definition]
        r = sub, obj, act
        [policy_definition]
        p = \(priority ? "priority, " : "")sub, obj, act, eft
        [role_definition]
        g = _, _
        [policy_effect]
        e = \(effect)
        [matchers]
        m = g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act
        """
    }

    static let policy = """
        p, alice, data1, read, allow
        p, group, data1, read, deny
        p, bob, data2, read, allow
        g, alice, group
        """

    @Test func allowOverrideAllowsWhenAnyRuleAllows() throws {
        let enforcer = try PolicyEnforcer(modelText: Self.model("some(where (p.eft == allow))"), policyText: Self.policy, policyFile: "p.csv")
        let decision = enforcer.enforce(["alice", "data1", "read"])
        #expect(decision.allowed)
        #expect(decision.rules.first?.values == ["alice", "data1", "read", "allow"])
        #expect(decision.rules.first?.location == SourceLocation(file: "p.csv", line: 1, column: 1))
        #expect(!enforcer.enforce(["carol", "data1", "read"]).allowed)
    }

    @Test func denyOverrideDeniesOnAnyDenyAndAllowsOtherwise() throws {
        let enforcer = try PolicyEnforcer(modelText: Self.model("!some(where (p.eft == deny))"), policyText: Self.policy)
        let denied = enforcer.enforce(["alice", "data1", "read"])
        #expect(!denied.allowed)
        #expect(denied.rules.first?.values.first == "group")
        // Nothing matches, nothing denies: allowed, as in Casbin.
        #expect(enforcer.enforce(["carol", "data9", "read"]).allowed)
    }

    @Test func allowAndDenyNeedsAnAllowAndNoDeny() throws {
        let enforcer = try PolicyEnforcer(modelText: Self.model("some(where (p.eft == allow)) && !some(where (p.eft == deny))"), policyText: Self.policy)
        #expect(!enforcer.enforce(["alice", "data1", "read"]).allowed)
        #expect(enforcer.enforce(["bob", "data2", "read"]).allowed)
        #expect(!enforcer.enforce(["carol", "data9", "read"]).allowed)
    }

    @Test func priorityLetsTheLowestPriorityNumberDecide() throws {
        let policy = """
            p, 10, group, data1, read, deny
            p, 1, alice, data1, read, allow
            p, -5, bob, data2, read, deny
            p, 3, bob, data2, read, allow
            g, alice, group
            """
        let enforcer = try PolicyEnforcer(modelText: Self.model("priority(p.eft) || deny", priority: true), policyText: policy)
        let decision = enforcer.enforce(["alice", "data1", "read"])
        #expect(decision.allowed)
        #expect(decision.rules.first?.location.line == 2)
        #expect(!enforcer.enforce(["bob", "data2", "read"]).allowed)
        #expect(throws: PolicyError.self) {
            try PolicyEnforcer(modelText: Self.model("priority(p.eft) || deny", priority: true), policyText: "p, high, alice, data1, read, allow\n")
        }
    }

    @Test func subjectPriorityLetsTheMostSpecificSubjectDecide() throws {
        let policy = """
            p, root, data1, read, deny
            p, admin, data1, read, allow
            p, jane, data1, read, deny
            g, admin, root
            g, jane, admin
            """
        let enforcer = try PolicyEnforcer(modelText: Self.model("subjectPriority(p.eft) || deny"), policyText: policy)
        #expect(!enforcer.enforce(["jane", "data1", "read"]).allowed)
        #expect(enforcer.enforce(["admin", "data1", "read"]).allowed)
        #expect(!enforcer.enforce(["root", "data1", "read"]).allowed)
    }

    @Test func anEmptyPolicyEvaluatesTheMatcherOnce() throws {
        let model = ModelParsingTests.header + "[matchers]\nm = r.sub == \"root\"\n"
        let enforcer = try PolicyEnforcer(modelText: model, policyText: "")
        #expect(enforcer.enforce(["root", "x", "y"]).allowed)
        #expect(!enforcer.enforce(["alice", "x", "y"]).allowed)
    }

    @Test func anErrorInAnEarlierRuleWinsOverALaterAllow() throws {
        let model = ModelParsingTests.header + "[matchers]\nm = ipMatch(r.sub, p.sub) && r.obj == p.obj\n"
        let enforcer = try PolicyEnforcer(modelText: model, policyText: "p, 10.0.0.0/8, data1, read\n")
        let decision = enforcer.enforce(["not-an-ip", "data1", "read"])
        #expect(!decision.allowed)
        #expect(decision.error?.code == .evaluationFailed)
    }
}
