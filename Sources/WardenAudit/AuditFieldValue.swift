/// A typed value of an audit event field. Deliberately flat (no nesting, no floats) so that the
/// canonical encoding has exactly one form per value.
public enum AuditFieldValue: Hashable, Sendable, CustomStringConvertible {
    case string(String)
    case integer(Int64)
    case bool(Bool)

    /// The one-byte tag used in the canonical encoding and (as a letter) in exports.
    var tag: UInt8 {
        switch self {
        case .string: 1
        case .integer: 2
        case .bool: 3
        }
    }

    public var description: String {
        switch self {
        case .string(let s): s
        case .integer(let i): String(i)
        case .bool(let b): b ? "true" : "false"
        }
    }
}

extension AuditFieldValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
