extension PolicyLinter {
    /// Rules whose pattern field cannot work with the function that reads it (an invalid regular expression,
    /// CIDR block or glob): Casbin fails on them at request time, so they can never match.
    static func invalidPatterns(enforcer: PolicyEnforcer, rows: [PolicyRow]) -> [PolicyDiagnostic] {
        var diagnostics: [PolicyDiagnostic] = []
        let model = enforcer.model
        for (context, compiled) in enforcer.state.contexts.sorted(by: { $0.key.matcher < $1.key.matcher }) {
            guard let matcher = model.matchers[context.matcher], let parsed = try? MatcherParser.parse(matcher.text) else { continue }
            let compiler = MatcherCompiler(requestDefinition: compiled.request, policyDefinition: compiled.policy, roleDefinitions: model.roleDefinitions)
            var checks: [(function: String, field: Int)] = []
            collectPatternFields(parsed, compiler: compiler, into: &checks)
            let policyRows = rows.filter { $0.ptype == compiled.policy.key }
            var reported: Set<String> = []
            for check in checks {
                for row in policyRows where row.fields.count > check.field {
                    let pattern = row.fields[check.field]
                    guard let problem = problem(function: check.function, pattern: pattern), reported.insert("\(row.location)\(check.field)").inserted else { continue }
                    diagnostics.append(PolicyDiagnostic(
                        severity: .error,
                        message: "\(compiled.policy.key).\(compiled.policy.tokens[check.field]) '\(pattern.prefix(80))' is not a valid pattern for \(check.function)(): \(problem); this rule can never match",
                        location: row.location))
                }
            }
        }
        return diagnostics
    }

    private static func problem(function: String, pattern: String) -> String? {
        do {
            switch function {
            case "regexMatch": _ = try KeyMatchFunctions.regexMatch("", pattern)
            case "keyMatch2": _ = try KeyMatchFunctions.keyMatch2("", pattern)
            case "keyMatch3": _ = try KeyMatchFunctions.keyMatch3("", pattern)
            case "keyMatch4": _ = try KeyMatchFunctions.keyMatch4("", pattern)
            case "keyMatch5": _ = try KeyMatchFunctions.keyMatch5("", pattern)
            case "ipMatch": _ = try IPAddressMatcher.ipMatch("127.0.0.1", pattern)
            case "globMatch": _ = try GlobMatcher.globMatch("", pattern)
            default: return nil
            }
        } catch {
            return error.message
        }
        return nil
    }

    private static func collectPatternFields(_ expression: MatcherExpression, compiler: MatcherCompiler, into checks: inout [(function: String, field: Int)]) {
        switch expression {
        case .call(let name, let arguments, _):
            if arguments.count == 2, case .name(let token, let path, _) = arguments[1],
                case .rule(let field, let rest)? = compiler.resolve(token, path: path), rest.isEmpty
            {
                checks.append((name, field))
            }
            for argument in arguments { collectPatternFields(argument, compiler: compiler, into: &checks) }
        case .unary(_, let operand, _):
            collectPatternFields(operand, compiler: compiler, into: &checks)
        case .binary(_, let lhs, let rhs, _):
            collectPatternFields(lhs, compiler: compiler, into: &checks)
            collectPatternFields(rhs, compiler: compiler, into: &checks)
        case .membership(let lhs, let items, _):
            collectPatternFields(lhs, compiler: compiler, into: &checks)
            for item in items { collectPatternFields(item, compiler: compiler, into: &checks) }
        default:
            break
        }
    }
}
