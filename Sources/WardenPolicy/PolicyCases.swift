/// One expected decision from a cases file: `allow alice, data1, read` or `deny ["...", {...}]`.
public struct PolicyCase: Sendable, Hashable {
    public let expectAllowed: Bool
    public let request: [PolicyValue]
    public let location: SourceLocation
    /// The request as written, for messages.
    public let text: String
}

/// A case whose decision differs from what the file expects.
public struct PolicyCaseFailure: Sendable, Hashable, CustomStringConvertible {
    public let testCase: PolicyCase
    public let decision: Decision

    public var description: String {
        let expected = testCase.expectAllowed ? "allow" : "deny"
        let actual = decision.allowed ? "allow" : "deny"
        return "\(testCase.location): expected \(expected) but got \(actual) for \(testCase.text): \(decision.reason)"
    }
}

/// Cases files: expected decisions admins keep beside their policy, run by `warden policy test` and before
/// every hot reload. Each non-blank line that does not start with `#` is `allow` or `deny` followed by a
/// request in the `warden policy enforce` syntax (Casbin-CSV fields or a JSON array).
public enum PolicyCases {
    public static func parse(_ text: String, file: String) throws(PolicyError) -> [PolicyCase] {
        var cases: [PolicyCase] = []
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let location = SourceLocation(file: file, line: lineNumber, column: 1)
            let expectAllowed: Bool
            let rest: Substring
            if line.hasPrefix("allow"), line.dropFirst(5).first.map({ $0 == " " || $0 == "\t" || $0 == "," }) ?? false {
                expectAllowed = true
                rest = line.dropFirst(5)
            } else if line.hasPrefix("deny"), line.dropFirst(4).first.map({ $0 == " " || $0 == "\t" || $0 == "," }) ?? false {
                expectAllowed = false
                rest = line.dropFirst(4)
            } else {
                throw PolicyError(.invalidCases, "a case starts with 'allow' or 'deny' followed by a request", at: location)
            }
            var requestText = rest.trimmingWhitespace()
            if requestText.hasPrefix(",") { requestText = String(requestText.dropFirst()).trimmingWhitespace() }
            do {
                cases.append(PolicyCase(expectAllowed: expectAllowed, request: try PolicyRequestParser.parse(requestText), location: location, text: requestText))
            } catch {
                throw PolicyError(.invalidCases, error.message, at: location)
            }
        }
        return cases
    }

    public static func load(path: String) throws(PolicyError) -> [PolicyCase] {
        try parse(try PolicyEnforcer.readFile(path), file: path)
    }

    /// Runs every case and returns those that failed, in file order.
    public static func run(_ cases: [PolicyCase], on enforcer: PolicyEnforcer) -> [PolicyCaseFailure] {
        cases.compactMap { testCase in
            let decision = enforcer.enforce(testCase.request)
            if decision.allowed == testCase.expectAllowed, decision.error == nil || !testCase.expectAllowed {
                return nil
            }
            return PolicyCaseFailure(testCase: testCase, decision: decision)
        }
    }
}
