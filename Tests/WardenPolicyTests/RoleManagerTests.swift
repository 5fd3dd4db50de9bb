import Foundation
import Testing
@testable import WardenPolicy

@Suite struct RoleManagerTests {
    static let rbacModel = """
        [request_definition]
        r = sub, obj, act
        [policy_definition]
        p = sub, obj, act
        [role_definition]
        g = _, _
        [policy_effect]
        e = some(where (p.eft == allow))
        [matchers]
        m = g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act
        """

    @Test func inheritanceFollowsTenLinksAndNoMore() throws {
        var policy = "p, r10, data, read\np, r11, data11, read\n"
        for level in 0..<11 { policy += "g, r\(level), r\(level + 1)\n" }
        let enforcer = try PolicyEnforcer(modelText: Self.rbacModel, policyText: policy)
        // r0 reaches r10 over 10 links (Go Casbin's default limit), but not r11 over 11.
        #expect(enforcer.enforce(["r0", "data", "read"]).allowed)
        #expect(!enforcer.enforce(["r0", "data11", "read"]).allowed)
        #expect(enforcer.enforce(["r1", "data11", "read"]).allowed)
    }

    @Test func theHierarchyLimitCanBeChangedInTheModel() throws {
        let model = Self.rbacModel + "\n[role_manager]\nmax_hierarchy_level = 2\n"
        let enforcer = try PolicyEnforcer(modelText: model, policyText: "p, c, data, read\ng, a, b\ng, b, c\ng, x, y\ng, y, z\ng, z, c\n")
        #expect(enforcer.enforce(["a", "data", "read"]).allowed)
        #expect(!enforcer.enforce(["x", "data", "read"]).allowed)
    }

    @Test func cyclesEndAndStillGrantWhatTheCycleHolds() throws {
        let enforcer = try PolicyEnforcer(modelText: Self.rbacModel, policyText: "p, b, data, read\ng, a, b\ng, b, a\ng, c, c\n")
        #expect(enforcer.enforce(["a", "data", "read"]).allowed)
        #expect(!enforcer.enforce(["c", "data", "read"]).allowed)
    }

    @Test func domainsKeepRolesApartAndPatternsJoinThem() throws {
        let model = """
            [request_definition]
            r = sub, dom, obj, act
            [policy_definition]
            p = sub, dom, obj, act
            [role_definition]
            g = _, _, _
            [policy_effect]
            e = some(where (p.eft == allow))
            [matchers]
            m = g(r.sub, p.sub, r.dom) && keyMatch(r.dom, p.dom) && r.obj == p.obj && r.act == p.act
            """
        let enforcer = try PolicyEnforcer(modelText: model, policyText: """
            p, admin, *, data, read
            g, alice, admin, domain1
            g, bob, admin, *
            """)
        #expect(enforcer.enforce(["alice", "domain1", "data", "read"]).allowed)
        #expect(!enforcer.enforce(["alice", "domain2", "data", "read"]).allowed)
        // keyMatch(r.dom, p.dom) in the matcher makes keyMatch the domain matcher (Go Casbin behaviour).
        #expect(enforcer.enforce(["bob", "anywhere", "data", "read"]).allowed)
    }

    @Test func roleNamePatternsMatchWithTheNamedFunction() throws {
        let model = """
            [request_definition]
            r = sub, obj, act
            [policy_definition]
            p = sub, obj, act
            [role_definition]
            g = _, _
            g2 = _, _
            [policy_effect]
            e = some(where (p.eft == allow))
            [matchers]
            m = g(r.sub, p.sub) && g2(r.obj, p.obj) && r.act == p.act
            [role_manager]
            g2_name_match = keyMatch2
            """
        let enforcer = try PolicyEnforcer(modelText: model, policyText: "p, alice, books, read\ng2, /book/:id, books\n")
        #expect(enforcer.enforce(["alice", "/book/7", "read"]).allowed)
        #expect(!enforcer.enforce(["alice", "/pen/7", "read"]).allowed)
        #expect(throws: PolicyError.self) {
            try PolicyEnforcer(modelText: model.replacingOccurrences(of: "keyMatch2", with: "fuzzyMatch"), policyText: "")
        }
    }

    @Test func theSameMatchingFunctionsCanBeSetThroughOptions() throws {
        let enforcer = try PolicyEnforcer(
            modelText: Self.rbacModel, policyText: "p, staff, data, read\ng, user*, staff\n",
            options: PolicyOptions(nameMatchingFunctions: ["g": "keyMatch"]))
        #expect(enforcer.enforce(["user42", "data", "read"]).allowed)
        #expect(!enforcer.enforce(["guest", "data", "read"]).allowed)
    }

    @Test func lintReportsRoleCyclesAndUnknownSubjects() {
        let diagnostics = PolicyLinter.lint(
            modelText: Self.rbacModel, policyText: "p, ghost, data, read\np, b, data, read\ng, a, b\ng, b, a\np, b, data, read\n",
            modelFile: "m.conf", policyFile: "p.csv")
        let text = diagnostics.map(\.description).joined(separator: "\n")
        #expect(text.contains("cycle"))
        #expect(text.contains("'ghost' appears in no g link"))
        #expect(text.contains("p.csv:5:1: warning: duplicate rule"))
    }

    @Test func lintReportsPatternsThatCanNeverMatch() {
        let model = ModelParsingTests.header + "[matchers]\nm = r.sub == p.sub && regexMatch(r.obj, p.obj) && ipMatch(r.act, p.act)\n"
        let diagnostics = PolicyLinter.lint(
            modelText: model, policyText: "p, alice, ^/ok$, 10.0.0.0/8\np, bob, (unclosed, 10.0.0.0/8\np, carol, /x, 10.0.0.0/99\n",
            modelFile: "m.conf", policyFile: "p.csv")
        #expect(diagnostics.map(\.location?.line) == [2, 3])
        #expect(diagnostics.allSatisfy { $0.severity == .error && $0.message.contains("can never match") })
    }
}
