import Testing
@testable import WardenPolicy

@Suite struct MatcherTests {
    /// Decides `request` with a one-rule policy `p, alice, data1, read` and the given matcher.
    func decide(_ matcher: String, _ request: [PolicyValue], policy: String = "p, alice, data1, read\n") throws -> Decision {
        let enforcer = try PolicyEnforcer(modelText: ModelParsingTests.header + "[matchers]\nm = \(matcher)\n", policyText: policy)
        return enforcer.enforce(request)
    }

    @Test func andBindsTighterThanOr() throws {
        #expect(try decide("r.sub == \"x\" || r.sub == p.sub && r.obj == p.obj", ["alice", "data1", "read"]).allowed)
        #expect(try decide("r.sub == \"x\" || r.sub == p.sub && r.obj == p.obj", ["x", "other", "read"]).allowed)
        #expect(!(try decide("(r.sub == \"x\" || r.sub == p.sub) && r.obj == p.obj", ["x", "other", "read"]).allowed))
    }

    @Test func arithmeticAndNumericComparisonsWorkOnAttributes() throws {
        let request: [PolicyValue] = [["Age": 30, "Score": 7], "data1", "read"]
        #expect(try decide("r.sub.Age + 5 * 2 == 40 && r.sub.Age % 7 == 2 && r.sub.Age / 4 > 7 && -r.sub.Score < 0", request).allowed)
        #expect(!(try decide("r.sub.Age - 31 >= 0", request).allowed))
    }

    @Test func stringsCompareAndConcatenate() throws {
        #expect(try decide("r.obj + \"/\" + r.act == \"data1/read\" && r.sub < \"bob\"", ["alice", "data1", "read"]).allowed)
    }

    @Test func inListsAndBooleanLiteralsFollowGovaluate() throws {
        #expect(try decide("r.act in ('read', 'write') && true && !false", ["alice", "data1", "read"]).allowed)
        #expect(!(try decide("r.act in ['write']", ["alice", "data1", "read"]).allowed))
    }

    @Test func nestedAttributesAreRead() throws {
        let request: [PolicyValue] = ["alice", ["owner": ["dept": "ml"]], "read"]
        #expect(try decide("r.obj.owner.dept == \"ml\"", request).allowed)
    }

    @Test func aMissingAttributeIsAnEvaluationErrorThatDenies() throws {
        let decision = try decide("r.sub.Age > 18 && r.sub == p.sub", ["alice", "data1", "read"])
        #expect(!decision.allowed)
        #expect(decision.error?.code == .evaluationFailed)
    }

    @Test func mismatchedTypesCompareUnequalButOrderingThem() throws {
        #expect(!(try decide("r.sub.Age == \"30\"", [["Age": 30], "data1", "read"]).allowed))
        #expect(try decide("r.sub.Age < \"30\"", [["Age": 30], "data1", "read"]).error != nil)
    }

    @Test func aNumericMatcherResultCountsAsAMatchWhenNonZero() throws {
        #expect(try decide("r.sub.Age * 1", [["Age": 2], "data1", "read"]).allowed)
        #expect(!(try decide("r.sub.Age * 0", [["Age": 2], "data1", "read"]).allowed))
        #expect(try decide("r.sub + \"\"", ["alice", "data1", "read"]).error != nil)
    }

    @Test func evalRunsARuleStoredInThePolicy() throws {
        let model = """
            [request_definition]
            r = sub, obj, act
            [policy_definition]
            p = sub_rule, obj, act
            [policy_effect]
            e = some(where (p.eft == allow))
            [matchers]
            m = eval(p.sub_rule) && r.obj == p.obj && r.act == p.act
            """
        let enforcer = try PolicyEnforcer(modelText: model, policyText: "p, \"r.sub.Age > 18 && r.sub.Dept == 'ml'\", /data1, read\n")
        #expect(enforcer.enforce([["Age": 25, "Dept": "ml"], "/data1", "read"]).allowed)
        #expect(!enforcer.enforce([["Age": 15, "Dept": "ml"], "/data1", "read"]).allowed)
        #expect {
            try PolicyEnforcer(modelText: model, policyText: "p, r.sub.Age >, /data1, read\n", policyFile: "p.csv")
        } throws: { error in (error as! PolicyError).location?.line == 1 }
    }

    @Test func deeplyNestedExpressionsFailCleanly() {
        let deep = String(repeating: "(", count: 500) + "true" + String(repeating: ")", count: 500)
        #expect(throws: PolicyError.self) { try decide(deep, ["a", "b", "c"]) }
        let negations = String(repeating: "!", count: 500) + "true"
        #expect(throws: PolicyError.self) { try decide(negations, ["a", "b", "c"]) }
    }

    @Test func aWrongRequestSizeIsAnErrorDecision() throws {
        let decision = try decide("r.sub == p.sub", ["alice", "data1"])
        #expect(!decision.allowed)
        #expect(decision.error?.message.contains("invalid request size") == true)
    }

    @Test func numberedContextsUseTheirOwnDefinitions() throws {
        let enforcer = try PolicyEnforcer(modelText: """
            [request_definition]
            r = sub, obj
            r2 = sub
            [policy_definition]
            p = sub, obj
            p2 = sub
            [policy_effect]
            e = some(where (p.eft == allow))
            e2 = some(where (p.eft == allow))
            [matchers]
            m = r.sub == p.sub && r.obj == p.obj
            m2 = r2.sub == p2.sub
            """, policyText: "p, alice, data1\np2, bob\n")
        #expect(enforcer.enforce(["alice", "data1"]).allowed)
        #expect(enforcer.enforce(["bob"], context: .numbered("2")).allowed)
        #expect(!enforcer.enforce(["alice"], context: .numbered("2")).allowed)
    }
}
