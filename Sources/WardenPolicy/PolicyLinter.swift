/// A finding of `warden policy lint`.
public struct PolicyDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    public let severity: Severity
    public let message: String
    public let location: SourceLocation?

    public var description: String {
        (location.map { "\($0): " } ?? "") + "\(severity.rawValue): \(message)"
    }
}

/// Static checks beyond what loading enforces: load errors (undefined tokens or functions, malformed
/// rules), role cycles, rule subjects no role link mentions, rules the effect makes dead, duplicate rules,
/// invalid patterns (regular expressions, CIDR blocks, globs) that make a rule unmatchable, and field values with trailing blanks (Go Casbin keeps them, so such rules silently
/// stop matching).
public enum PolicyLinter {
    public static func lint(modelPath: String, policyPath: String, options: PolicyOptions = PolicyOptions()) -> [PolicyDiagnostic] {
        let modelText: String
        let policyText: String
        do {
            modelText = try PolicyEnforcer.readFile(modelPath)
            policyText = try PolicyEnforcer.readFile(policyPath)
        } catch {
            return [PolicyDiagnostic(severity: .error, message: error.message, location: error.location)]
        }
        return lint(modelText: modelText, policyText: policyText, modelFile: modelPath, policyFile: policyPath, options: options)
    }

    public static func lint(modelText: String, policyText: String, modelFile: String, policyFile: String, options: PolicyOptions = PolicyOptions()) -> [PolicyDiagnostic] {
        let enforcer: PolicyEnforcer
        do {
            enforcer = try PolicyEnforcer(modelText: modelText, policyText: policyText, modelFile: modelFile, policyFile: policyFile, options: options)
        } catch {
            return [PolicyDiagnostic(severity: .error, message: error.message, location: error.location)]
        }
        var diagnostics: [PolicyDiagnostic] = []
        let model = enforcer.model
        var rows: [PolicyRow] = []
        try? PolicyCSVReader.read(policyText, file: policyFile) { row in rows.append(row) }

        var seen: Set<[String]> = []
        for row in rows {
            if !seen.insert([row.ptype] + row.fields).inserted {
                diagnostics.append(PolicyDiagnostic(severity: .warning, message: "duplicate rule is ignored", location: row.location))
            }
            if row.fields.contains(where: { $0.hasSuffix(" ") || $0.hasSuffix("\t") }) {
                diagnostics.append(PolicyDiagnostic(severity: .warning, message: "a field ends with blanks, which are part of its value (quote the field if that is intended)", location: row.location))
            }
        }

        for graph in enforcer.state.roleGraphs {
            for cycle in graph.cycles() {
                let place = cycle.domain.map { " in domain '\($0)'" } ?? ""
                diagnostics.append(PolicyDiagnostic(severity: .warning, message: "role '\(cycle.name)' inherits from itself through a cycle in \(graph.key)\(place)", location: model.roleDefinitions[graph.key]?.location))
            }
        }

        for (context, compiled) in enforcer.state.contexts.sorted(by: { $0.key.matcher < $1.key.matcher }) {
            let policyRows = rows.filter { $0.ptype == compiled.policy.key }
            if let field = compiled.effectField {
                for row in policyRows where row.fields.count > field {
                    let effect = row.fields[field]
                    if effect != "allow" && effect != "deny" {
                        diagnostics.append(PolicyDiagnostic(severity: .warning, message: "effect '\(effect)' is neither allow nor deny, so this rule never decides", location: row.location))
                    } else if effect == "deny" && compiled.effect == .allowOverride {
                        diagnostics.append(PolicyDiagnostic(severity: .warning, message: "deny rule is dead: effect '\(compiled.effect.modelText)' only looks at allow rules", location: row.location))
                    } else if effect == "allow" && compiled.effect == .denyOverride {
                        diagnostics.append(PolicyDiagnostic(severity: .warning, message: "allow rule is dead: effect '\(compiled.effect.modelText)' allows whatever no rule denies", location: row.location))
                    }
                }
            } else if compiled.effect != .allowOverride {
                diagnostics.append(PolicyDiagnostic(severity: .warning, message: "effect '\(compiled.effect.modelText)' needs an 'eft' field in \(compiled.policy.key); every rule counts as allow", location: model.effects[context.effect]?.location))
            }
            for plan in compiled.plans {
                guard case .role(let graphIndex, let field, _, _) = plan else { continue }
                let graph = enforcer.state.roleGraphs[graphIndex]
                var named: Set<String> = []
                for link in graph.allLinks { named.insert(link.user); named.insert(link.role) }
                for row in policyRows where row.fields.count > field && !named.contains(row.fields[field]) && !row.fields[field].contains("*") {
                    diagnostics.append(PolicyDiagnostic(severity: .warning, message: "'\(row.fields[field])' appears in no \(graph.key) link: this rule only matches a caller named exactly so", location: row.location))
                }
            }
        }
        diagnostics += invalidPatterns(enforcer: enforcer, rows: rows)
        return diagnostics
    }
}
