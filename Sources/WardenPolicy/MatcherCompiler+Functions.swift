import Foundation

extension MatcherCompiler {
    /// Built-in functions by name with their arity; `g`-style functions come from the role definitions.
    static let builtinArity: [String: Int] = [
        "keyMatch": 2, "keyGet": 2, "keyMatch2": 2, "keyGet2": 3, "keyMatch3": 2, "keyGet3": 3, "keyMatch4": 2,
        "keyMatch5": 2, "regexMatch": 2, "ipMatch": 2, "globMatch": 2, "timeMatch": 2,
    ]

    /// Role definitions in a fixed order; the enforcer keeps its role graphs in the same order.
    var roleKeys: [String] { roleDefinitions.keys.sorted() }

    func compileCall(_ name: String, _ arguments: [MatcherExpression], offset: Int) throws(MatcherSyntaxError) -> Evaluator {
        if name == "eval" {
            return try compileEval(arguments, offset: offset)
        }
        if let role = roleDefinitions[name] {
            guard arguments.count == role.fieldCount else {
                throw MatcherSyntaxError(message: "\(name)() takes \(role.fieldCount) arguments as its role definition has \(role.fieldCount) fields", offset: offset)
            }
            let graphIndex = roleKeys.firstIndex(of: name)!
            let compiled = try arguments.map { (argument) throws(MatcherSyntaxError) -> Evaluator in try compile(argument) }
            // The common shape g(<request value>, p.field[, <request value>]) reads the role id straight from
            // the rule and the user's roles from the per-request memo.
            if case .name(let roleName, let rolePath, _) = arguments[1], case .rule(let field, let rest)? = resolve(roleName, path: rolePath),
                rest.isEmpty, !readsRule(arguments[0]), arguments.count < 3 || !readsRule(arguments[2])
            {
                let user = compiled[0]
                let domain: Evaluator? = compiled.count > 2 ? compiled[2] : nil
                return { frame throws(EvaluationError) in
                    let a = try MatcherCompiler.string(try user(frame), name)
                    let d = try domain.map { (evaluator) throws(EvaluationError) -> String in try MatcherCompiler.string(try evaluator(frame), name) }
                    guard frame.rule >= 0 else {
                        return .bool(frame.state.roleGraphs[graphIndex].hasLink(a, "", domain: d))
                    }
                    let roleID = frame.rules.value(rule: frame.rule, field: field)
                    if a == frame.state.table[roleID] { return .bool(true) }
                    let roles = frame.scratch.reachable(graph: graphIndex, user: a, domain: d, in: frame.state.roleGraphs)
                    return .bool(roles?.contains(roleID) ?? false)
                }
            }
            let user = compiled[0]
            let target = compiled[1]
            let domain: Evaluator? = compiled.count > 2 ? compiled[2] : nil
            return { frame throws(EvaluationError) in
                let a = try MatcherCompiler.string(try user(frame), name)
                let b = try MatcherCompiler.string(try target(frame), name)
                let d = try domain.map { (evaluator) throws(EvaluationError) -> String in try MatcherCompiler.string(try evaluator(frame), name) }
                return .bool(frame.state.roleGraphs[graphIndex].hasLink(a, b, domain: d))
            }
        }
        guard let arity = MatcherCompiler.builtinArity[name] else {
            throw MatcherSyntaxError(message: "undefined function '\(name)'", offset: offset)
        }
        guard arguments.count == arity else {
            throw MatcherSyntaxError(message: "\(name)() takes \(arity) arguments, not \(arguments.count)", offset: offset)
        }
        let compiled = try arguments.map { (argument) throws(MatcherSyntaxError) -> Evaluator in try compile(argument) }
        let first = compiled[0]
        let second = compiled[1]
        if arity == 3 {
            let third = compiled[2]
            let function: @Sendable (String, String, String) throws(EvaluationError) -> String =
                name == "keyGet2" ? KeyMatchFunctions.keyGet2 : KeyMatchFunctions.keyGet3
            return { frame throws(EvaluationError) in
                let a = try MatcherCompiler.string(try first(frame), name)
                let b = try MatcherCompiler.string(try second(frame), name)
                let c = try MatcherCompiler.string(try third(frame), name)
                return .string(try function(a, b, c))
            }
        }
        let function = MatcherCompiler.binaryFunction(name)
        return { frame throws(EvaluationError) in
            let a = try MatcherCompiler.string(try first(frame), name)
            let b = try MatcherCompiler.string(try second(frame), name)
            return try function(a, b)
        }
    }

    static func binaryFunction(_ name: String) -> @Sendable (String, String) throws(EvaluationError) -> MatcherValue {
        switch name {
        case "keyMatch": return { a, b in .bool(KeyMatchFunctions.keyMatch(a, b)) }
        case "keyGet": return { a, b in .string(KeyMatchFunctions.keyGet(a, b)) }
        case "keyMatch2": return { a, b throws(EvaluationError) in .bool(try KeyMatchFunctions.keyMatch2(a, b)) }
        case "keyMatch3": return { a, b throws(EvaluationError) in .bool(try KeyMatchFunctions.keyMatch3(a, b)) }
        case "keyMatch4": return { a, b throws(EvaluationError) in .bool(try KeyMatchFunctions.keyMatch4(a, b)) }
        case "keyMatch5": return { a, b throws(EvaluationError) in .bool(try KeyMatchFunctions.keyMatch5(a, b)) }
        case "regexMatch": return { a, b throws(EvaluationError) in .bool(try KeyMatchFunctions.regexMatch(a, b)) }
        case "ipMatch": return { a, b throws(EvaluationError) in .bool(try IPAddressMatcher.ipMatch(a, b)) }
        case "globMatch": return { a, b throws(EvaluationError) in .bool(try GlobMatcher.globMatch(a, b)) }
        default: return { a, b throws(EvaluationError) in .bool(try TimeWindow.timeMatch(a, b, now: Date())) }
        }
    }

    /// A name-matching function usable by the role manager (`keyMatch2` and friends); errors count as no match.
    static func roleMatchFunction(_ name: String) -> RoleGraph.MatchFunction? {
        guard ["keyMatch", "keyMatch2", "keyMatch3", "keyMatch4", "keyMatch5", "regexMatch", "globMatch", "ipMatch"].contains(name) else {
            return nil
        }
        let function = binaryFunction(name)
        return { a, b in
            guard case .bool(let matched)? = try? function(a, b) else { return false }
            return matched
        }
    }

    static func string(_ value: MatcherValue, _ function: String) throws(EvaluationError) -> String {
        guard case .string(let text) = value else {
            throw EvaluationError("\(function)() needs string arguments, not \(value.typeName)")
        }
        return text
    }

    private func compileEval(_ arguments: [MatcherExpression], offset: Int) throws(MatcherSyntaxError) -> Evaluator {
        guard !insideEval else { throw MatcherSyntaxError(message: "eval() cannot be nested inside an eval() rule", offset: offset) }
        guard arguments.count == 1, case .name(let name, let path, _) = arguments[0], case .rule(let field, let rest)? = resolve(name, path: path), rest.isEmpty else {
            throw MatcherSyntaxError(message: "eval() takes one policy field such as eval(p.sub_rule)", offset: offset)
        }
        return { frame throws(EvaluationError) in
            guard frame.rule >= 0 else {
                throw EvaluationError("please make sure rule exists in policy when using eval() in matcher")
            }
            let id = frame.rules.value(rule: frame.rule, field: field)
            switch frame.state.evalRule(ptype: frame.rules.key, field: field, id: id) {
            case .success(let evaluator): return try evaluator(frame)
            case .failure(let error): throw error
            }
        }
    }
}

/// `timeMatch(start, end)`: Go Casbin's layout `2006-01-02 15:04:05` read as UTC; `_` leaves an end open.
enum TimeWindow {
    static func timeMatch(_ start: String, _ end: String, now: Date) throws(EvaluationError) -> Bool {
        if start != "_" {
            guard let begin = parse(start) else { throw EvaluationError("timeMatch: cannot parse '\(start)'") }
            if !(now > begin) { return false }
        }
        if end != "_" {
            guard let finish = parse(end) else { throw EvaluationError("timeMatch: cannot parse '\(end)'") }
            if !(now < finish) { return false }
        }
        return true
    }

    static func parse(_ text: String) -> Date? {
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" })
        guard parts.count == 6, text.count == 19 else { return nil }
        let numbers = parts.compactMap { Int($0) }
        guard numbers.count == 6 else { return nil }
        var components = DateComponents()
        components.calendar = Calendar(identifier: .gregorian)
        components.timeZone = TimeZone(identifier: "UTC")
        (components.year, components.month, components.day) = (numbers[0], numbers[1], numbers[2])
        (components.hour, components.minute, components.second) = (numbers[3], numbers[4], numbers[5])
        guard components.isValidDate else { return nil }
        return components.date
    }
}
