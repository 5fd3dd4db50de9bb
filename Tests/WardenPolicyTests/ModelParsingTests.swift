import Foundation
import Testing
@testable import WardenPolicy

@Suite struct ModelParsingTests {
    static let header = """
        [request_definition]
        r = sub, obj, act
        [policy_definition]
        p = sub, obj, act
        [policy_effect]
        e = some(where (p.eft == allow))

        """

    @Test func commentsAndLineContinuationsAreHandledAsGoCasbinDoes() throws {
        let model = try PolicyModel(text: """
            # full-line comment
            ; another comment style
            [request_definition]
            r = sub, obj, act ; inline comment
            [policy_definition]
            p = sub, obj, act # inline comment
            [policy_effect]
            e = some(where (p.eft == allow))
            [matchers]
            m = r.sub == p.sub && \\
                r.obj == p.obj \\
                && r.act == p.act
            """)
        #expect(model.requestDefinitions["r"]?.tokens == ["sub", "obj", "act"])
        #expect(model.policyDefinitions["p"]?.tokens == ["sub", "obj", "act"])
        #expect(model.matchers["m"]?.text == "r_sub == p_sub && r_obj == p_obj && r_act == p_act")
    }

    @Test func aByteOrderMarkAndWindowsLineEndingsAreAccepted() throws {
        let text = "\u{FEFF}" + (Self.header + "[matchers]\nm = r.sub == p.sub\n").replacingOccurrences(of: "\n", with: "\r\n")
        let model = try PolicyModel(text: text)
        #expect(model.matchers["m"]?.text == "r_sub == p_sub")
    }

    @Test func aHashInsideAQuotedMatcherLiteralStillStartsAComment() throws {
        let model = try PolicyModel(text: Self.header + "[matchers]\nm = r.sub == p.sub || r.obj == \"#x\"\n")
        #expect(model.matchers["m"]?.text == "r_sub == p_sub || r_obj == \"")
    }

    @Test func dotsInsideWordsAndLiteralsAreNotRewritten() {
        #expect(MatcherRewriter.escapeAssertion("r.sub == \"a.p.p.l.e\" && p.obj == r.obj.Owner") == "r_sub == \"a.p.p.l.e\" && p_obj == r_obj.Owner")
        #expect(MatcherRewriter.escapeAssertion("(r2.sub)") == "(r2_sub)")
        #expect(MatcherRewriter.escapeAssertion("keyMatch(r.obj,p.obj)") == "keyMatch(r_obj,p_obj)")
    }

    @Test func bracketsBecomeParenthesesWhenTheMatcherContainsIn() {
        #expect(MatcherRewriter.rewriteMatcher("r.sub in ['a', 'b']") == "r_sub in ('a', 'b')")
        #expect(MatcherRewriter.rewriteMatcher("regexMatch(r.obj, '[a-z]')") == "regexMatch(r_obj, '[a-z]')")
        // "admin" contains "in", so Casbin rewrites the brackets here too.
        #expect(MatcherRewriter.rewriteMatcher("r.sub == 'admin' || regexMatch(r.obj, '[a-z]')") == "r_sub == 'admin' || regexMatch(r_obj, '(a-z)')")
    }

    @Test func missingSectionsAreReportedWithTheirNames() {
        #expect {
            try PolicyModel(text: "[request_definition]\nr = sub\n", file: "m.conf")
        } throws: { error in
            let policyError = error as! PolicyError
            return policyError.code == .invalidModel && policyError.description == "m.conf:1:1: missing required sections: policy_definition, policy_effect, matchers"
        }
    }

    @Test func anUnsupportedEffectIsRejectedAtItsLine() {
        #expect {
            try PolicyModel(text: "[request_definition]\nr = sub\n[policy_definition]\np = sub\n[policy_effect]\ne = some(where (p.eft == permit))\n[matchers]\nm = r.sub == p.sub\n", file: "m.conf")
        } throws: { error in
            let policyError = error as! PolicyError
            return policyError.code == .unsupportedEffect && policyError.location?.line == 6
        }
    }

    @Test func aStatementWithoutEqualsIsAnErrorWithItsPosition() {
        #expect {
            try PolicyModel(text: "[request_definition]\n  r sub, obj\n", file: "m.conf")
        } throws: { error in
            (error as! PolicyError).location == SourceLocation(file: "m.conf", line: 2, column: 3)
        }
    }

    @Test func roleDefinitionsWithAndWithoutDomainsAreRecognised() throws {
        let model = try PolicyModel(text: Self.header + "[role_definition]\ng = _, _\ng2 = _, _, _\n[matchers]\nm = g(r.sub, p.sub)\n")
        #expect(model.roleDefinitions["g"]?.hasDomain == false)
        #expect(model.roleDefinitions["g2"]?.hasDomain == true)
    }

    @Test func numberedDefinitionsStopAtTheFirstGapAsInCasbin() throws {
        let model = try PolicyModel(text: """
            [request_definition]
            r = sub
            r2 = a
            r4 = b
            [policy_definition]
            p = sub
            [policy_effect]
            e = some(where (p.eft == allow))
            [matchers]
            m = true
            """)
        #expect(model.requestDefinitions["r2"] != nil)
        #expect(model.requestDefinitions["r4"] == nil)
    }

    @Test func matcherErrorsPointAtTheOffendingColumn() {
        #expect {
            try PolicyEnforcer(modelText: Self.header + "[matchers]\nm = r.sub == p.subject\n", policyText: "", modelFile: "m.conf")
        } throws: { error in
            let policyError = error as! PolicyError
            return policyError.code == .invalidMatcher && policyError.location == SourceLocation(file: "m.conf", line: 8, column: 14)
                && policyError.message.contains("undefined token 'p_subject'")
        }
    }

    @Test func undefinedFunctionsAreRejectedAtLoad() {
        #expect(throws: PolicyError.self) {
            try PolicyEnforcer(modelText: Self.header + "[matchers]\nm = fooMatch(r.sub, p.sub)\n", policyText: "")
        }
    }
}
