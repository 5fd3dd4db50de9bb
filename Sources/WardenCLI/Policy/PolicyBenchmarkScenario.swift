import WardenPolicy

/// One of Casbin's standard benchmark scenarios (casbin.org/docs/benchmark, Go Casbin's `*_b_test.go`),
/// generated as files so Warden and pycasbin read exactly the same model, policy and request.
struct PolicyBenchmarkScenario {
    let name: String
    let model: String
    let policy: String
    let request: [PolicyValue]
    /// Whether pycasbin runs this one by default (its load alone can take minutes on the largest).
    var pycasbinByDefault = true

    static let basicModel = """
        [request_definition]
        r = sub, obj, act
        [policy_definition]
        p = sub, obj, act
        [policy_effect]
        e = some(where (p.eft == allow))
        [matchers]
        m = r.sub == p.sub && r.obj == p.obj && r.act == p.act
        """

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

    static let rbacPolicy = """
        p, alice, data1, read
        p, bob, data2, write
        p, data2_admin, data2, read
        p, data2_admin, data2, write
        g, alice, data2_admin
        """

    /// `roles` roles over `roles / 10` resources and `users` users, each in role `i / 10` (Go's generator).
    static func rbacSized(_ name: String, roles: Int, users: Int, request: [PolicyValue]) -> PolicyBenchmarkScenario {
        var lines: [String] = []
        lines.reserveCapacity(roles + users)
        for i in 0..<roles { lines.append("p, group\(i), data\(i / 10), read") }
        for i in 0..<users { lines.append("g, user\(i), group\(i / 10)") }
        return PolicyBenchmarkScenario(name: name, model: rbacModel, policy: lines.joined(separator: "\n") + "\n", request: request)
    }

    /// 1,000,000 rules: 100,000 roles with 10 resources each, and 100,000 users with one role each.
    static func rbacMillion() -> PolicyBenchmarkScenario {
        var text = ""
        text.reserveCapacity(40_000_000)
        for role in 0..<100_000 {
            for k in 0..<10 { text += "p, group\(role), data\(role * 10 + k), read\n" }
        }
        for user in 0..<100_000 { text += "g, user\(user), group\(user)\n" }
        var scenario = PolicyBenchmarkScenario(name: "rbac-1m-rules", model: rbacModel, policy: text, request: ["user50001", "data500015", "read"])
        scenario.pycasbinByDefault = false
        return scenario
    }

    static func standard() -> [PolicyBenchmarkScenario] {
        var scenarios: [PolicyBenchmarkScenario] = [
            PolicyBenchmarkScenario(name: "basic", model: basicModel, policy: "p, alice, data1, read\np, bob, data2, write\n", request: ["alice", "data1", "read"]),
            PolicyBenchmarkScenario(name: "rbac", model: rbacModel, policy: rbacPolicy, request: ["alice", "data2", "read"]),
            rbacSized("rbac-small", roles: 100, users: 1_000, request: ["user501", "data9", "read"]),
            rbacSized("rbac-medium", roles: 1_000, users: 10_000, request: ["user5001", "data150", "read"]),
            rbacSized("rbac-large", roles: 10_000, users: 100_000, request: ["user50001", "data1500", "read"]),
        ]
        scenarios.append(PolicyBenchmarkScenario(
            name: "rbac-resource-roles",
            model: """
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
                """,
            policy: """
                p, alice, data1, read
                p, bob, data2, write
                p, data_group_admin, data_group, write
                g, alice, data_group_admin
                g2, data1, data_group
                g2, data2, data_group
                """,
            request: ["alice", "data1", "read"]))
        scenarios.append(PolicyBenchmarkScenario(
            name: "rbac-domains",
            model: """
                [request_definition]
                r = sub, dom, obj, act
                [policy_definition]
                p = sub, dom, obj, act
                [role_definition]
                g = _, _, _
                [policy_effect]
                e = some(where (p.eft == allow))
                [matchers]
                m = g(r.sub, p.sub, r.dom) && r.dom == p.dom && r.obj == p.obj && r.act == p.act
                """,
            policy: """
                p, admin, domain1, data1, read
                p, admin, domain1, data1, write
                p, admin, domain2, data2, read
                p, admin, domain2, data2, write
                g, alice, admin, domain1
                g, bob, admin, domain2
                """,
            request: ["alice", "domain1", "data1", "read"]))
        scenarios.append(PolicyBenchmarkScenario(
            name: "abac",
            model: """
                [request_definition]
                r = sub, obj, act
                [policy_definition]
                p = sub, obj, act
                [policy_effect]
                e = some(where (p.eft == allow))
                [matchers]
                m = r.sub == r.obj.Owner
                """,
            policy: "", request: ["alice", ["Name": "data1", "Owner": "alice"], "read"]))
        scenarios.append(PolicyBenchmarkScenario(
            name: "keymatch",
            model: """
                [request_definition]
                r = sub, obj, act
                [policy_definition]
                p = sub, obj, act
                [policy_effect]
                e = some(where (p.eft == allow))
                [matchers]
                m = r.sub == p.sub && keyMatch(r.obj, p.obj) && regexMatch(r.act, p.act)
                """,
            policy: """
                p, alice, /alice_data/*, GET
                p, alice, /alice_data/resource1, POST
                p, bob, /alice_data/resource2, GET
                p, bob, /bob_data/*, POST
                p, cathy, /cathy_data, (GET)|(POST)
                """,
            request: ["alice", "/alice_data/resource1", "GET"]))
        scenarios.append(PolicyBenchmarkScenario(
            name: "deny-override",
            model: """
                [request_definition]
                r = sub, obj, act
                [policy_definition]
                p = sub, obj, act, eft
                [role_definition]
                g = _, _
                [policy_effect]
                e = some(where (p.eft == allow)) && !some(where (p.eft == deny))
                [matchers]
                m = g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act
                """,
            policy: """
                p, alice, data1, read, allow
                p, bob, data2, write, allow
                p, data2_admin, data2, read, allow
                p, data2_admin, data2, write, allow
                p, alice, data2, write, deny
                g, alice, data2_admin
                """,
            request: ["alice", "data1", "read"]))
        scenarios.append(PolicyBenchmarkScenario(
            name: "priority",
            model: """
                [request_definition]
                r = sub, obj, act
                [policy_definition]
                p = sub, obj, act, eft
                [role_definition]
                g = _, _
                [policy_effect]
                e = priority(p.eft) || deny
                [matchers]
                m = g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act
                """,
            policy: """
                p, alice, data1, read, allow
                p, data1_deny_group, data1, read, deny
                p, data1_deny_group, data1, write, deny
                p, alice, data1, write, allow
                g, alice, data1_deny_group
                p, data2_allow_group, data2, read, allow
                p, bob, data2, read, deny
                p, bob, data2, write, deny
                g, bob, data2_allow_group
                """,
            request: ["alice", "data1", "read"]))
        return scenarios
    }
}
