/// The parsed form of a matcher, before names are resolved against the model.
indirect enum MatcherExpression: Sendable {
    case number(Double)
    case string(String)
    /// A name with an optional attribute path: `r_sub` or `r_sub.Name.first`.
    case name(String, path: [String], offset: Int)
    case unary(String, MatcherExpression, offset: Int)
    case binary(String, MatcherExpression, MatcherExpression, offset: Int)
    case call(String, [MatcherExpression], offset: Int)
    case membership(MatcherExpression, [MatcherExpression], offset: Int)

    var offset: Int {
        switch self {
        case .number, .string: return 0
        case .name(_, _, let offset), .unary(_, _, let offset), .binary(_, _, _, let offset), .call(_, _, let offset),
            .membership(_, _, let offset):
            return offset
        }
    }

    /// The `&&` operands at the top of the expression, used to pick rule indexes.
    var conjuncts: [MatcherExpression] {
        if case .binary("&&", let lhs, let rhs, _) = self { return lhs.conjuncts + rhs.conjuncts }
        return [self]
    }
}

/// A recursive-descent parser with govaluate's precedence: `||` < `&&` < comparisons and `in` < `+ -` <
/// `* / %` < prefix `! -`. Nesting is bounded so hostile input fails cleanly instead of exhausting the stack.
struct MatcherParser {
    static let maximumDepth = 128

    private let tokens: [MatcherToken]
    private var position = 0
    private var depth = 0

    static func parse(_ text: String) throws(MatcherSyntaxError) -> MatcherExpression {
        var parser = MatcherParser(tokens: try MatcherLexer.tokenize(text))
        let expression = try parser.parseOr()
        guard case .end = parser.current.kind else {
            throw MatcherSyntaxError(message: "unexpected \(parser.describe(parser.current)) after the end of the expression", offset: parser.current.offset)
        }
        return expression
    }

    private init(tokens: [MatcherToken]) { self.tokens = tokens }

    private var current: MatcherToken { tokens[position] }

    private func describe(_ token: MatcherToken) -> String {
        switch token.kind {
        case .identifier(let name): return "'\(name)'"
        case .number: return "number"
        case .string: return "string"
        case .op(let op): return "'\(op)'"
        case .keywordIn: return "'in'"
        case .end: return "end of expression"
        }
    }

    private mutating func accept(_ op: String) -> Bool {
        if case .op(op) = current.kind {
            position += 1
            return true
        }
        return false
    }

    private mutating func enter() throws(MatcherSyntaxError) {
        depth += 1
        if depth > MatcherParser.maximumDepth {
            throw MatcherSyntaxError(message: "expression nests deeper than \(MatcherParser.maximumDepth) levels", offset: current.offset)
        }
    }

    private mutating func parseOr() throws(MatcherSyntaxError) -> MatcherExpression {
        try enter()
        defer { depth -= 1 }
        var lhs = try parseAnd()
        while case .op("||") = current.kind {
            let offset = current.offset
            position += 1
            lhs = .binary("||", lhs, try parseAnd(), offset: offset)
        }
        return lhs
    }

    private mutating func parseAnd() throws(MatcherSyntaxError) -> MatcherExpression {
        var lhs = try parseComparison()
        while case .op("&&") = current.kind {
            let offset = current.offset
            position += 1
            lhs = .binary("&&", lhs, try parseComparison(), offset: offset)
        }
        return lhs
    }

    private mutating func parseComparison() throws(MatcherSyntaxError) -> MatcherExpression {
        var lhs = try parseAdditive()
        while true {
            let offset = current.offset
            switch current.kind {
            case .op(let op) where ["==", "!=", "<", ">", "<=", ">="].contains(op):
                position += 1
                lhs = .binary(op, lhs, try parseAdditive(), offset: offset)
            case .keywordIn:
                position += 1
                guard accept("(") else {
                    throw MatcherSyntaxError(message: "'in' must be followed by a parenthesised list such as ('a', 'b')", offset: current.offset)
                }
                var items: [MatcherExpression] = []
                if !accept(")") {
                    repeat { items.append(try parseOr()) } while accept(",")
                    guard accept(")") else { throw MatcherSyntaxError(message: "expected ')' to close the 'in' list", offset: current.offset) }
                }
                lhs = .membership(lhs, items, offset: offset)
            default:
                return lhs
            }
        }
    }

    private mutating func parseAdditive() throws(MatcherSyntaxError) -> MatcherExpression {
        var lhs = try parseMultiplicative()
        while case .op(let op) = current.kind, op == "+" || op == "-" {
            let offset = current.offset
            position += 1
            lhs = .binary(op, lhs, try parseMultiplicative(), offset: offset)
        }
        return lhs
    }

    private mutating func parseMultiplicative() throws(MatcherSyntaxError) -> MatcherExpression {
        var lhs = try parsePrefix()
        while case .op(let op) = current.kind, op == "*" || op == "/" || op == "%" {
            let offset = current.offset
            position += 1
            lhs = .binary(op, lhs, try parsePrefix(), offset: offset)
        }
        return lhs
    }

    private mutating func parsePrefix() throws(MatcherSyntaxError) -> MatcherExpression {
        if case .op(let op) = current.kind, op == "!" || op == "-" {
            let offset = current.offset
            position += 1
            try enter()
            defer { depth -= 1 }
            return .unary(op, try parsePrefix(), offset: offset)
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(MatcherSyntaxError) -> MatcherExpression {
        let token = current
        switch token.kind {
        case .number(let value):
            position += 1
            return .number(value)
        case .string(let value):
            position += 1
            return .string(value)
        case .identifier(let word):
            position += 1
            let parts = word.split(separator: ".").map(String.init)
            if accept("(") {
                guard parts.count == 1 else {
                    throw MatcherSyntaxError(message: "method calls such as '\(word)(...)' are not supported", offset: token.offset)
                }
                var arguments: [MatcherExpression] = []
                if !accept(")") {
                    repeat { arguments.append(try parseOr()) } while accept(",")
                    guard accept(")") else {
                        throw MatcherSyntaxError(message: "expected ')' to close the call to \(word)", offset: current.offset)
                    }
                }
                return .call(word, arguments, offset: token.offset)
            }
            return .name(parts[0], path: Array(parts.dropFirst()), offset: token.offset)
        case .op("("):
            position += 1
            let inner = try parseOr()
            guard accept(")") else { throw MatcherSyntaxError(message: "expected ')'", offset: current.offset) }
            return inner
        default:
            throw MatcherSyntaxError(message: "expected a value but found \(describe(token))", offset: token.offset)
        }
    }
}
