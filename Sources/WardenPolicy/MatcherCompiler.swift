import Foundation

/// Turns a parsed matcher into a tree of closures over request slots and rule-field slots, once per load.
struct MatcherCompiler {
    let requestDefinition: PolicyModel.Definition
    let policyDefinition: PolicyModel.Definition
    let roleDefinitions: [String: PolicyModel.RoleDefinition]
    /// True while compiling an `eval()` rule body, where `eval` and rule fields still resolve.
    var insideEval = false

    enum Slot: Equatable {
        case request(Int, path: [String])
        case rule(Int, path: [String])
    }

    func resolve(_ name: String, path: [String]) -> Slot? {
        let requestPrefix = requestDefinition.key + "_"
        let policyPrefix = policyDefinition.key + "_"
        if name.hasPrefix(requestPrefix), let index = requestDefinition.tokens.firstIndex(of: String(name.dropFirst(requestPrefix.count))) {
            return .request(index, path: path)
        }
        if name.hasPrefix(policyPrefix), let index = policyDefinition.tokens.firstIndex(of: String(name.dropFirst(policyPrefix.count))) {
            return .rule(index, path: path)
        }
        return nil
    }

    /// Whether an expression reads rule fields (and so must be evaluated per rule).
    func readsRule(_ expression: MatcherExpression) -> Bool {
        switch expression {
        case .number, .string: return false
        case .name(let name, let path, _):
            if case .rule = resolve(name, path: path) { return true }
            return false
        case .unary(_, let operand, _): return readsRule(operand)
        case .binary(_, let lhs, let rhs, _): return readsRule(lhs) || readsRule(rhs)
        case .call(let name, let arguments, _): return name == "eval" || arguments.contains(where: readsRule)
        case .membership(let lhs, let items, _): return readsRule(lhs) || items.contains(where: readsRule)
        }
    }

    func compile(_ expression: MatcherExpression) throws(MatcherSyntaxError) -> Evaluator {
        switch expression {
        case .number(let value):
            return { _ in .number(value) }
        case .string(let value):
            return { _ in .string(value) }
        case .name(let name, let path, let offset):
            if path.isEmpty, name == "true" { return { _ in .bool(true) } }
            if path.isEmpty, name == "false" { return { _ in .bool(false) } }
            guard let slot = resolve(name, path: path) else {
                throw MatcherSyntaxError(message: "undefined token '\(([name] + path).joined(separator: "."))'", offset: offset)
            }
            return compile(slot)
        case .unary(let op, let operand, let offset):
            let inner = try compile(operand)
            if op == "!" {
                return { frame throws(EvaluationError) in
                    guard case .bool(let flag) = try inner(frame) else { throw EvaluationError("operator ! needs a bool") }
                    return .bool(!flag)
                }
            }
            _ = offset
            return { frame throws(EvaluationError) in
                guard case .number(let number) = try inner(frame) else { throw EvaluationError("unary - needs a number") }
                return .number(-number)
            }
        case .binary(let op, let lhs, let rhs, _):
            return try compileBinary(op, lhs, rhs)
        case .membership(let lhs, let items, _):
            let needle = try compile(lhs)
            let candidates = try items.map { (item) throws(MatcherSyntaxError) -> Evaluator in try compile(item) }
            return { frame throws(EvaluationError) in
                let value = try needle(frame)
                for candidate in candidates where try candidate(frame).isEqual(to: value) { return .bool(true) }
                return .bool(false)
            }
        case .call(let name, let arguments, let offset):
            return try compileCall(name, arguments, offset: offset)
        }
    }

    private func compile(_ slot: Slot) -> Evaluator {
        switch slot {
        case .request(let index, let path):
            if path.isEmpty {
                return { frame in MatcherValue(frame.request[index]) }
            }
            let shown = ([requestDefinition.key, requestDefinition.tokens[index]].joined(separator: ".") + "." + path.joined(separator: "."))
            return { frame throws(EvaluationError) in
                var value = frame.request[index]
                for attribute in path {
                    guard let next = value[attribute: attribute] else {
                        throw EvaluationError("request value has no attribute for \(shown)")
                    }
                    value = next
                }
                return MatcherValue(value)
            }
        case .rule(let index, let path):
            if path.isEmpty {
                return { frame in .string(frame.ruleString(index)) }
            }
            let shown = policyDefinition.key + "." + policyDefinition.tokens[index] + "." + path.joined(separator: ".")
            return { _ throws(EvaluationError) in throw EvaluationError("rule fields are strings and have no attributes (\(shown))") }
        }
    }

    private func compileBinary(_ op: String, _ lhs: MatcherExpression, _ rhs: MatcherExpression) throws(MatcherSyntaxError) -> Evaluator {
        // The most common shape, `r.x == p.y`, compares strings without building intermediate values.
        if op == "==" || op == "!=", case .name(let ln, let lp, _) = lhs, case .name(let rn, let rp, _) = rhs,
            let left = resolve(ln, path: lp), let right = resolve(rn, path: rp)
        {
            let negate = op == "!="
            switch (left, right) {
            case (.request(let r, let rpath), .rule(let p, let ppath)) where rpath.isEmpty && ppath.isEmpty,
                (.rule(let p, let ppath), .request(let r, let rpath)) where rpath.isEmpty && ppath.isEmpty:
                return { frame in
                    if case .string(let text) = frame.request[r] { return .bool((text == frame.ruleString(p)) != negate) }
                    return .bool(negate)
                }
            default:
                break
            }
        }
        let left = try compile(lhs)
        let right = try compile(rhs)
        switch op {
        case "&&":
            return { frame throws(EvaluationError) in
                guard case .bool(let a) = try left(frame) else { throw EvaluationError("operator && needs bool operands") }
                if !a { return .bool(false) }
                guard case .bool(let b) = try right(frame) else { throw EvaluationError("operator && needs bool operands") }
                return .bool(b)
            }
        case "||":
            return { frame throws(EvaluationError) in
                guard case .bool(let a) = try left(frame) else { throw EvaluationError("operator || needs bool operands") }
                if a { return .bool(true) }
                guard case .bool(let b) = try right(frame) else { throw EvaluationError("operator || needs bool operands") }
                return .bool(b)
            }
        case "==":
            return { frame throws(EvaluationError) in .bool(try left(frame).isEqual(to: try right(frame))) }
        case "!=":
            return { frame throws(EvaluationError) in .bool(!(try left(frame).isEqual(to: try right(frame)))) }
        case "<", ">", "<=", ">=":
            return { frame throws(EvaluationError) in .bool(try MatcherOperators.compare(op, try left(frame), try right(frame))) }
        default:
            return { frame throws(EvaluationError) in try MatcherOperators.arithmetic(op, try left(frame), try right(frame)) }
        }
    }
}
