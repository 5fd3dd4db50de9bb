import Testing
@testable import WardenPolicy

@Suite struct PolicyCSVTests {
    func rows(_ text: String) throws -> [PolicyRow] {
        var rows: [PolicyRow] = []
        try PolicyCSVReader.read(text, file: "p.csv") { rows.append($0) }
        return rows
    }

    @Test func quotedFieldsKeepCommasAndDoubledQuotes() throws {
        let parsed = try rows("p, \"a,b\", \"say \"\"hi\"\"\", read\n")
        #expect(parsed.first?.fields == ["a,b", "say \"hi\"", "read"])
    }

    @Test func blankLinesCommentsAndLeadingSpacesAreSkippedButTrailingBlanksStay() throws {
        let parsed = try rows("\n# comment\n   \np,   alice ,data1\r\n")
        #expect(parsed.count == 1)
        #expect(parsed[0].fields == ["alice ", "data1"])
        #expect(parsed[0].location.line == 4)
    }

    @Test func aBareQuoteIsAnErrorWithLineAndColumn() {
        #expect {
            try rows("p, alice, data1\np, al\"ice, data1\n")
        } throws: { error in
            (error as! PolicyError).location == SourceLocation(file: "p.csv", line: 2, column: 6)
        }
    }

    @Test func anUnclosedQuoteIsAnError() {
        #expect(throws: PolicyError.self) { try rows("p, \"alice, data1\n") }
    }

    @Test func textAfterAClosingQuoteIsAnError() {
        #expect(throws: PolicyError.self) { try rows("p, \"alice\"x, data1\n") }
    }

    @Test func aRuleWithTooFewFieldsIsRejected() {
        #expect {
            try PolicyEnforcer(modelText: ModelParsingTests.header + "[matchers]\nm = r.sub == p.sub\n", policyText: "p, alice, data1\n", policyFile: "p.csv")
        } throws: { error in
            let policyError = error as! PolicyError
            return policyError.code == .invalidPolicy && policyError.location?.line == 1 && policyError.message.contains("needs 3")
        }
    }

    @Test func duplicateRulesAreSkipped() throws {
        let enforcer = try PolicyEnforcer(
            modelText: ModelParsingTests.header + "[matchers]\nm = r.sub == p.sub && r.obj == p.obj && r.act == p.act\n",
            policyText: "p, alice, data1, read\np, alice, data1, read\np,alice,data1,read\n")
        #expect(enforcer.ruleCounts["p"] == 1)
    }

    @Test func anUnknownPolicyTypeIsRejected() {
        #expect(throws: PolicyError.self) {
            try PolicyEnforcer(modelText: ModelParsingTests.header + "[matchers]\nm = r.sub == p.sub\n", policyText: "p3, alice, data1, read\n")
        }
    }

    @Test func requestLinesAcceptCSVAndJSON() throws {
        #expect(try PolicyRequestParser.parse("alice, \"data,1\", read") == ["alice", "data,1", "read"])
        #expect(try PolicyRequestParser.parse("[{\"Age\": 25, \"Dept\": \"ml\", \"ok\": true}, \"/data1\", \"read\"]")
            == [["Age": 25, "Dept": "ml", "ok": true], "/data1", "read"])
        #expect(throws: PolicyError.self) { try PolicyRequestParser.parse("[[\"nested\"]]") }
        #expect(throws: PolicyError.self) { try PolicyRequestParser.parse("[null]") }
        #expect(throws: PolicyError.self) { try PolicyRequestParser.parse(String(repeating: "[", count: 100)) }
    }
}
