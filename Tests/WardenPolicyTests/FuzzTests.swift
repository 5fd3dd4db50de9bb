import Foundation
import Testing
@testable import WardenPolicy

/// Random and mutated inputs for every parser of untrusted or hand-edited text. Each must return a value or
/// an error, never crash or hang. Seeds are fixed so any failure replays exactly.
@Suite struct FuzzTests {
    static let validModel = """
        [request_definition]
        r = sub, dom, obj, act
        [policy_definition]
        p = sub, dom, obj, act, eft
        [role_definition]
        g = _, _, _
        [policy_effect]
        e = some(where (p.eft == allow)) && !some(where (p.eft == deny))
        [matchers]
        m = g(r.sub, p.sub, r.dom) && keyMatch(r.dom, p.dom) && keyMatch2(r.obj, p.obj) && (r.act == p.act || p.act == "*") \\
            && r.sub != "x" + "y" && !(1 + 2 * 3 % 4 - 5 / 6 > 7) && r.act in ('GET', 'POST')
        """
    static let validPolicy = """
        p, admin, *, /data/:id, GET, allow
        p, "quoted, field", dom1, /x, *, deny
        g, alice, admin, dom1
        # comment
        g, bob, admin, *
        """
    static let alphabet = Array("[]()_,=#;\\\"' \n\t&|!<>+-*/%.:{}rpgem0123456789abcxyzinevalkeyMatch")

    static func mutate(_ text: String, _ generator: inout SeededGenerator) -> String {
        var characters = Array(text)
        for _ in 0..<Int.random(in: 1...6, using: &generator) {
            let action = Int.random(in: 0..<4, using: &generator)
            let position = characters.isEmpty ? 0 : Int.random(in: 0..<characters.count, using: &generator)
            switch action {
            case 0 where !characters.isEmpty: characters.remove(at: position)
            case 1: characters.insert(alphabet.randomElement(using: &generator)!, at: position)
            case 2 where !characters.isEmpty: characters[position] = alphabet.randomElement(using: &generator)!
            default:
                // Duplicate a slice, which grows nesting and repetition.
                if !characters.isEmpty {
                    let end = min(characters.count, position + Int.random(in: 1...40, using: &generator))
                    characters.insert(contentsOf: characters[position..<end], at: position)
                }
            }
        }
        return String(characters)
    }

    static func random(_ length: Int, _ generator: inout SeededGenerator) -> String {
        String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }

    @Test func mutatedModelsAndPoliciesLoadOrFailCleanly() {
        var generator = SeededGenerator(seed: 1)
        var loaded = 0
        for round in 0..<1500 {
            let model = round % 3 == 0 ? Self.validModel : Self.mutate(Self.validModel, &generator)
            let policy = round % 3 == 0 ? Self.mutate(Self.validPolicy, &generator) : Self.validPolicy
            if let enforcer = try? PolicyEnforcer(modelText: model, policyText: policy) {
                loaded += 1
                _ = enforcer.enforce(["alice", "dom1", "/data/1", "GET"])
                _ = enforcer.enforce([["x": 1], .bool(true), .number(3), "GET"])
            }
        }
        #expect(loaded > 100)
    }

    @Test func randomTextNeverCrashesTheParsers() {
        var generator = SeededGenerator(seed: 2)
        for _ in 0..<1500 {
            let text = Self.random(Int.random(in: 0...300, using: &generator), &generator)
            _ = try? PolicyModel(text: text)
            _ = try? MatcherParser.parse(text)
            _ = try? PolicyRequestParser.parse(text)
            try? PolicyCSVReader.read(text, file: "fuzz.csv") { _ in }
            _ = try? PolicyCases.parse(text, file: "fuzz.cases")
        }
    }

    @Test func mutatedMatchersCompileAndEvaluateOrFailCleanly() throws {
        var generator = SeededGenerator(seed: 3)
        let base = "g(r.sub, p.sub, r.dom) && keyMatch(r.dom, p.dom) && (r.act == p.act || p.act == \"*\") && r.obj in ('a', 'b') && -1 < 2 * 3"
        let header = Self.validModel.components(separatedBy: "[matchers]")[0] + "[matchers]\nm = "
        var compiled = 0
        for _ in 0..<1500 {
            let matcher = Self.mutate(base, &generator).replacingOccurrences(of: "\n", with: " ")
            guard let enforcer = try? PolicyEnforcer(modelText: header + matcher + "\n", policyText: Self.validPolicy) else { continue }
            compiled += 1
            _ = enforcer.enforce(["alice", "dom1", "a", "GET"])
            _ = enforcer.enforce([["Name": "x"], "dom1", .number(1), .bool(false)])
        }
        #expect(compiled > 20)
    }

    @Test func hostileSizesAndNestingFailQuickly() {
        let hugeLine = "p, " + String(repeating: "a", count: PolicyCSVReader.maximumLineBytes + 10) + ", b, c, d, e\n"
        #expect(throws: PolicyError.self) {
            try PolicyEnforcer(modelText: Self.validModel, policyText: hugeLine)
        }
        let deepJSON = String(repeating: "{\"a\":", count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        #expect(throws: PolicyError.self) { try PolicyRequestParser.parse("[" + deepJSON + "]") }
        let deepMatcher = String(repeating: "(", count: 100_000)
        #expect(throws: MatcherSyntaxError.self) { try MatcherParser.parse(deepMatcher) }
        let hugeModel = "[matchers]\nm = " + String(repeating: "r.sub == p.sub && ", count: 300_000) + "true\n"
        #expect(throws: PolicyError.self) { try PolicyModel(text: hugeModel) }
        // Many stars against a long name must give up rather than backtrack forever.
        let stars = String(repeating: "*a", count: 40) + "b"
        #expect(throws: EvaluationError.self) { try GlobMatcher.globMatch(String(repeating: "a", count: 200), stars) }
    }

    @Test func mutatedRequestLinesParseOrFailCleanly() {
        var generator = SeededGenerator(seed: 4)
        let base = "[{\"Name\": \"alice\", \"Age\": 25.5, \"Nested\": {\"Ok\": true, \"Esc\": \"\\u00e9\\n\"}}, \"research\", -1e3, false]"
        var parsed = 0
        for _ in 0..<3000 {
            if (try? PolicyRequestParser.parse(Self.mutate(base, &generator))) != nil { parsed += 1 }
        }
        #expect(parsed > 0)
    }
}
