import Foundation

extension PolicyEnforcer {
    /// Loads and compiles a model and a policy from files. Errors carry `file:line:col`.
    public static func load(modelPath: String, policyPath: String, options: PolicyOptions = PolicyOptions()) throws(PolicyError) -> PolicyEnforcer {
        let modelText = try readFile(modelPath)
        let policyText = try readFile(policyPath)
        return try PolicyEnforcer(modelText: modelText, policyText: policyText, modelFile: modelPath, policyFile: policyPath, options: options)
    }

    /// Compiles a model and a policy from text; `modelFile`/`policyFile` name them in errors and explanations.
    public init(
        modelText: String, policyText: String, modelFile: String = "model.conf", policyFile: String = "policy.csv",
        options: PolicyOptions = PolicyOptions()
    ) throws(PolicyError) {
        let model = try PolicyModel(text: modelText, file: modelFile)
        self.init(state: try PolicyBuilder(model: model, policyFile: policyFile, options: options).build(policyText: policyText))
    }

    /// Reads a UTF-8 text file, turning failures into `policy.unreadable_file` errors.
    static func readFile(_ path: String) throws(PolicyError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyError(.unreadableFile, "cannot read file", at: SourceLocation(file: path, line: 1, column: 1))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PolicyError(.unreadableFile, "file is not valid UTF-8", at: SourceLocation(file: path, line: 1, column: 1))
        }
        return text
    }
}

/// Builds an `EnforcerState`: reads the rules, sorts them as Casbin does, builds role graphs, compiles
/// matchers and `eval()` rules and the rule indexes.
struct PolicyBuilder {
    let model: PolicyModel
    let policyFile: String
    let options: PolicyOptions

    func build(policyText: String) throws(PolicyError) -> EnforcerState {
        var table = StringTable()
        var ruleSets: [String: RuleSet] = [:]
        for (key, definition) in model.policyDefinitions {
            ruleSets[key] = RuleSet(key: key, fieldCount: definition.tokens.count, file: policyFile)
        }
        var links: [String: [(user: Int32, role: Int32, domain: Int32)]] = [:]
        var seen: [String: RowDeduplicator] = [:]
        for (key, definition) in model.policyDefinitions { seen[key] = RowDeduplicator(width: definition.tokens.count) }
        for (key, definition) in model.roleDefinitions { seen[key] = RowDeduplicator(width: definition.fieldCount) }
        let model = self.model
        // Large policies are usually written in runs (the same role, action or domain on many lines), so
        // each field position remembers its last string and id and skips the hash lookup on a repeat.
        var lastStrings: [String] = []
        var lastIDs: [Int32] = []
        func intern(_ fields: [String]) -> [Int32] {
            if lastStrings.count < fields.count {
                lastStrings += Array(repeating: "\u{0}", count: fields.count - lastStrings.count)
                lastIDs += Array(repeating: -1, count: fields.count - lastIDs.count)
            }
            var ids: [Int32] = []
            ids.reserveCapacity(fields.count)
            for (position, field) in fields.enumerated() {
                if lastIDs[position] >= 0, lastStrings[position] == field {
                    ids.append(lastIDs[position])
                } else {
                    let id = table.intern(field)
                    lastStrings[position] = field
                    lastIDs[position] = id
                    ids.append(id)
                }
            }
            return ids
        }
        table.reserve(min(policyText.utf8.count / 32, 4_000_000))
        try PolicyCSVReader.read(policyText, file: policyFile) { (row) throws(PolicyError) in
            if let definition = model.policyDefinitions[row.ptype] {
                guard row.fields.count == definition.tokens.count else {
                    throw PolicyError(.invalidPolicy, "\(row.ptype) rule has \(row.fields.count) fields but '\(row.ptype) = \(definition.tokens.joined(separator: ", "))' needs \(definition.tokens.count)", at: row.location)
                }
                let ids = intern(row.fields)
                guard seen[row.ptype]!.insert(ids) else { return }
                ruleSets[row.ptype]!.append(ids, line: row.location.line)
            } else if let role = model.roleDefinitions[row.ptype] {
                guard row.fields.count == role.fieldCount else {
                    throw PolicyError(.invalidPolicy, "\(row.ptype) rule has \(row.fields.count) fields but its role definition needs \(role.fieldCount)", at: row.location)
                }
                let ids = intern(row.fields)
                guard seen[row.ptype]!.insert(ids) else { return }
                links[row.ptype, default: []].append((ids[0], ids[1], role.hasDomain ? ids[2] : RoleGraph.noDomain))
            } else {
                throw PolicyError(.invalidPolicy, "unknown policy type '\(row.ptype)': the model defines \((model.policyDefinitions.keys.sorted() + model.roleDefinitions.keys.sorted()).joined(separator: ", "))", at: row.location)
            }
        }
        seen = [:]

        let roleGraphs = try buildRoleGraphs(links: links, table: table)
        // Go Casbin sorts by subject hierarchy first, then (stably) by priority.
        if model.effects.values.contains(where: { $0.effect == .subjectPriority }) {
            for key in ruleSets.keys.sorted() {
                sortBySubjectHierarchy(&ruleSets[key]!, links: links["g"] ?? [], table: table)
            }
        }
        for key in ruleSets.keys.sorted() {
            try sortByPriority(&ruleSets[key]!, table: table)
        }

        var contexts: [EnforceContext: CompiledContext] = [:]
        var evalFields: [String: Set<Int>] = [:]
        var indexedFields: [String: Set<Int>] = [:]
        for (matcherKey, matcher) in model.matchers {
            let suffix = String(matcherKey.dropFirst())
            let context = EnforceContext.numbered(suffix)
            guard let request = model.requestDefinitions[context.request], let policy = model.policyDefinitions[context.policy],
                let effect = model.effects[context.effect]
            else {
                if matcherKey == "m" {
                    throw PolicyError(.invalidModel, "matcher m needs r, p and e definitions", at: matcher.location)
                }
                continue
            }
            let compiled = try compileContext(context, matcher: matcher, request: request, policy: policy, effect: effect.effect)
            contexts[context] = compiled
            for plan in compiled.plans { indexedFields[policy.key, default: []].insert(plan.field) }
            if let parsed = try? MatcherParser.parse(matcher.text) {
                collectEvalFields(parsed, compiler: compiler(request, policy), into: &evalFields[policy.key, default: []])
            }
        }

        var evalRules: [String: [Int: [Int32: Evaluator]]] = [:]
        for (ptype, fields) in evalFields {
            guard let rules = ruleSets[ptype], let policy = model.policyDefinitions[ptype] else { continue }
            let request = model.requestDefinitions["r" + String(ptype.dropFirst())] ?? model.requestDefinitions["r"]!
            var evalCompiler = compiler(request, policy)
            evalCompiler.insideEval = true
            for field in fields {
                var compiledRules: [Int32: Evaluator] = [:]
                for rule in 0..<rules.count {
                    let id = rules.value(rule: rule, field: field)
                    if compiledRules[id] != nil { continue }
                    let text = MatcherRewriter.escapeAssertion(table[id])
                    do {
                        compiledRules[id] = try evalCompiler.compile(try MatcherParser.parse(text))
                    } catch {
                        let location = SourceLocation(file: policyFile, line: Int(rules.lines[rule]), column: 1)
                        throw PolicyError(.invalidPolicy, "eval() rule '\(table[id].prefix(120))' is invalid: \(error.message)", at: location)
                    }
                }
                evalRules[ptype, default: [:]][field] = compiledRules
            }
        }

        var indexes: [String: [Int: FieldIndex]] = [:]
        for (ptype, fields) in indexedFields {
            guard let rules = ruleSets[ptype], rules.count > PolicyEnforcer.directScanLimit else { continue }
            for field in fields {
                indexes[ptype, default: [:]][field] = FieldIndex(rules, field: field, valueCount: table.count)
            }
        }

        for (key, compiled) in contexts {
            contexts[key] = CompiledContext(
                context: compiled.context, request: compiled.request, policy: compiled.policy, effect: compiled.effect,
                matcher: compiled.matcher, readsPolicy: compiled.readsPolicy, effectField: compiled.effectField, plans: compiled.plans,
                rules: ruleSets[compiled.policy.key]!, indexes: indexes[compiled.policy.key] ?? [:],
                usesRoleFunctions: compiled.usesRoleFunctions)
        }
        return EnforcerState(
            model: model, table: table, ruleSets: ruleSets, policyFile: policyFile, roleGraphs: roleGraphs, contexts: contexts,
            indexes: indexes, evalRules: evalRules)
    }

    private func compiler(_ request: PolicyModel.Definition, _ policy: PolicyModel.Definition) -> MatcherCompiler {
        MatcherCompiler(requestDefinition: request, policyDefinition: policy, roleDefinitions: model.roleDefinitions)
    }

    private func compileContext(
        _ context: EnforceContext, matcher: PolicyModel.Matcher, request: PolicyModel.Definition, policy: PolicyModel.Definition,
        effect: PolicyEffect
    ) throws(PolicyError) -> CompiledContext {
        let compiler = compiler(request, policy)
        let parsed: MatcherExpression
        let evaluator: Evaluator
        do {
            parsed = try MatcherParser.parse(matcher.text)
            evaluator = try compiler.compile(parsed)
        } catch {
            let location = SourceLocation(file: matcher.location.file, line: matcher.location.line, column: matcher.location.column + error.offset)
            throw PolicyError(.invalidMatcher, "\(error.message) in matcher \(matcher.key)", at: location)
        }
        var plans: [CompiledContext.CandidatePlan] = []
        for conjunct in parsed.conjuncts {
            if let plan = try? plan(for: conjunct, compiler: compiler) { plans.append(plan) }
        }
        return CompiledContext(
            context: context, request: request, policy: policy, effect: effect, matcher: evaluator,
            readsPolicy: matcher.text.contains(policy.key + "_"), effectField: policy.tokens.firstIndex(of: "eft"), plans: plans,
            rules: RuleSet(key: policy.key, fieldCount: policy.tokens.count, file: policyFile), indexes: [:],
            usesRoleFunctions: callsRoleFunctionOrEval(parsed))
    }

    private func plan(for conjunct: MatcherExpression, compiler: MatcherCompiler) throws(MatcherSyntaxError) -> CompiledContext.CandidatePlan? {
        func ruleField(_ expression: MatcherExpression) -> Int? {
            if case .name(let name, let path, _) = expression, case .rule(let field, let rest)? = compiler.resolve(name, path: path), rest.isEmpty {
                return field
            }
            return nil
        }
        switch conjunct {
        case .binary("==", let lhs, let rhs, _):
            if let field = ruleField(rhs), !compiler.readsRule(lhs) { return .equality(field: field, key: try compiler.compile(lhs)) }
            if let field = ruleField(lhs), !compiler.readsRule(rhs) { return .equality(field: field, key: try compiler.compile(rhs)) }
        case .call(let name, let arguments, _):
            guard let graph = compiler.roleKeys.firstIndex(of: name), arguments.count >= 2, let field = ruleField(arguments[1]),
                !compiler.readsRule(arguments[0])
            else { return nil }
            var domain: Evaluator? = nil
            if arguments.count > 2 {
                guard !compiler.readsRule(arguments[2]) else { return nil }
                domain = try compiler.compile(arguments[2])
            }
            return .role(graph: graph, field: field, user: try compiler.compile(arguments[0]), domain: domain)
        default:
            break
        }
        return nil
    }

    /// Whether evaluating `expression` may use the per-request role memo: it calls a role function, or
    /// `eval()` (whose stored rules may call one).
    func callsRoleFunctionOrEval(_ expression: MatcherExpression) -> Bool {
        switch expression {
        case .number, .string, .name: return false
        case .call(let name, let arguments, _):
            return name == "eval" || model.roleDefinitions[name] != nil || arguments.contains(where: callsRoleFunctionOrEval)
        case .unary(_, let operand, _): return callsRoleFunctionOrEval(operand)
        case .binary(_, let lhs, let rhs, _): return callsRoleFunctionOrEval(lhs) || callsRoleFunctionOrEval(rhs)
        case .membership(let lhs, let items, _): return callsRoleFunctionOrEval(lhs) || items.contains(where: callsRoleFunctionOrEval)
        }
    }

    private func collectEvalFields(_ expression: MatcherExpression, compiler: MatcherCompiler, into fields: inout Set<Int>) {
        switch expression {
        case .call("eval", let arguments, _):
            if arguments.count == 1, case .name(let name, let path, _) = arguments[0], case .rule(let field, _)? = compiler.resolve(name, path: path) {
                fields.insert(field)
            }
        case .call(_, let arguments, _):
            for argument in arguments { collectEvalFields(argument, compiler: compiler, into: &fields) }
        case .unary(_, let operand, _):
            collectEvalFields(operand, compiler: compiler, into: &fields)
        case .binary(_, let lhs, let rhs, _):
            collectEvalFields(lhs, compiler: compiler, into: &fields)
            collectEvalFields(rhs, compiler: compiler, into: &fields)
        case .membership(let lhs, let items, _):
            collectEvalFields(lhs, compiler: compiler, into: &fields)
            for item in items { collectEvalFields(item, compiler: compiler, into: &fields) }
        default:
            break
        }
    }
}
