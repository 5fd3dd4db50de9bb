/// A value during matcher evaluation.
enum MatcherValue: Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case object([String: PolicyValue])

    init(_ value: PolicyValue) {
        switch value {
        case .string(let text): self = .string(text)
        case .number(let number): self = .number(number)
        case .bool(let flag): self = .bool(flag)
        case .object(let fields): self = .object(fields)
        }
    }

    var typeName: String {
        switch self {
        case .string: return "string"
        case .number: return "number"
        case .bool: return "bool"
        case .object: return "object"
        }
    }

    /// govaluate's `==`: equal kind and equal value; values of different kinds are simply unequal.
    func isEqual(to other: MatcherValue) -> Bool {
        switch (self, other) {
        case (.string(let a), .string(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }

    /// Whether a matcher result counts as a match: `true`, or a non-zero number (as in Casbin).
    func matchResult() throws(EvaluationError) -> Bool {
        switch self {
        case .bool(let flag): return flag
        case .number(let number): return number != 0
        default: throw EvaluationError("matcher result should be bool, int or float, not \(typeName)")
        }
    }
}

/// A failure while evaluating a matcher for one request (a type mismatch, an invalid IP address...).
/// Casbin returns such failures as errors from `Enforce`; Warden turns them into a denial that says why.
struct EvaluationError: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}

enum MatcherOperators {
    static func compare(_ op: String, _ lhs: MatcherValue, _ rhs: MatcherValue) throws(EvaluationError) -> Bool {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)):
            switch op {
            case "<": return a < b
            case ">": return a > b
            case "<=": return a <= b
            default: return a >= b
            }
        case (.string(let a), .string(let b)):
            switch op {
            case "<": return a < b
            case ">": return a > b
            case "<=": return a <= b
            default: return a >= b
            }
        default:
            throw EvaluationError("cannot compare \(lhs.typeName) \(op) \(rhs.typeName)")
        }
    }

    static func arithmetic(_ op: String, _ lhs: MatcherValue, _ rhs: MatcherValue) throws(EvaluationError) -> MatcherValue {
        if op == "+" {
            switch (lhs, rhs) {
            case (.string(let a), .string(let b)): return .string(a + b)
            case (.string(let a), .number(let b)): return .string(a + PolicyValue.format(b))
            case (.number(let a), .string(let b)): return .string(PolicyValue.format(a) + b)
            default: break
            }
        }
        guard case .number(let a) = lhs, case .number(let b) = rhs else {
            throw EvaluationError("operator \(op) needs numbers, not \(lhs.typeName) and \(rhs.typeName)")
        }
        switch op {
        case "+": return .number(a + b)
        case "-": return .number(a - b)
        case "*": return .number(a * b)
        case "/": return .number(a / b)
        default: return .number(a.truncatingRemainder(dividingBy: b))
        }
    }
}
