import Foundation

/// One request value handed to the enforcer: a plain string (most Casbin requests), a number, a boolean,
/// or an ABAC attribute object whose fields a matcher reads as `r.sub.Team` or `r.obj.owner.dept`.
///
/// Numbers are kept as `Double`, as Casbin's Go expression evaluator (govaluate) does, so `2` and `2.0`
/// compare equal and integer attributes from a certificate compare with numeric literals in a matcher.
public enum PolicyValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case bool(Bool)
    case object([String: PolicyValue])

    /// The attribute named `name` when this value is an object, otherwise `nil`.
    public subscript(attribute name: String) -> PolicyValue? {
        if case .object(let fields) = self { return fields[name] }
        return nil
    }

    /// The string payload, or `nil` for any other kind of value.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// A compact rendering for explanations and CLI output; objects print as sorted JSON-like text.
    public var description: String {
        switch self {
        case .string(let text): return text
        case .number(let number): return PolicyValue.format(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .object(let fields):
            let inner = fields.keys.sorted().map { key in
                "\"\(key)\": \(fields[key]!.jsonFragment)"
            }
            return "{" + inner.joined(separator: ", ") + "}"
        }
    }

    var jsonFragment: String {
        switch self {
        case .string(let text):
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\""
        default: return description
        }
    }

    /// Formats a number the way Go's `%v` prints a float64 that holds an integer: without a fraction.
    static func format(_ number: Double) -> String {
        if number.isFinite, number == number.rounded(), abs(number) < 1e15 {
            return String(Int64(number))
        }
        return String(number)
    }
}

extension PolicyValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(dictionaryLiteral elements: (String, PolicyValue)...) {
        var fields: [String: PolicyValue] = [:]
        for (key, value) in elements { fields[key] = value }
        self = .object(fields)
    }
}
