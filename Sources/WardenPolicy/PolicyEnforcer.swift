/// An immutable, compiled policy: the model, the rules, their indexes and role closures. Decisions are pure
/// reads, so one value can serve every request on every thread; a reload builds a new value and the caller
/// swaps it in atomically (requests already running finish on the old one).
///
/// Requests are positional, in the order of the model's `r = ...` line. Warden's gateway sends exactly
/// `sub, dom, obj, act` (see `Policies/README.md`).
public struct PolicyEnforcer: Sendable {
    let state: EnforcerState

    init(state: EnforcerState) { self.state = state }

    /// The parsed model.
    public var model: PolicyModel { state.model }

    /// Number of rules per policy or role type (`p`, `g`...), after duplicates were skipped.
    public var ruleCounts: [String: Int] {
        var counts = state.ruleSets.mapValues(\.count)
        for graph in state.roleGraphs { counts[graph.key] = graph.linkCount }
        return counts
    }

    /// Decides a request with the default context (`r`, `p`, `e`, `m`).
    public func enforce(_ request: [PolicyValue]) -> Decision {
        enforce(request, context: .standard)
    }

    /// Decides a request with an explicit context such as `.numbered("2")`.
    public func enforce(_ request: [PolicyValue], context: EnforceContext) -> Decision {
        guard let compiled = state.contexts[context] else {
            return .failure("the model has no enforce context \(context.request), \(context.policy), \(context.effect), \(context.matcher)")
        }
        guard request.count == compiled.request.tokens.count else {
            return .failure("invalid request size: expected \(compiled.request.tokens.count) values, got \(request.count)")
        }
        let rules = state.ruleSets[compiled.policy.key] ?? RuleSet(key: compiled.policy.key, fieldCount: compiled.policy.tokens.count, file: state.policyFile)
        if rules.count == 0 || !compiled.readsPolicy {
            return decideWithoutRules(compiled, request, rules)
        }
        var tally = Tally()
        if let buckets = candidateBuckets(compiled, request, rules) {
            for bucket in buckets {
                for rule in bucket {
                    if evaluate(compiled, request, rules, Int(rule), &tally) { break }
                }
            }
        } else {
            for rule in 0..<rules.count where evaluate(compiled, request, rules, rule, &tally) { break }
        }
        return conclude(compiled, rules, tally)
    }

    /// What the evaluated rules amounted to: the first (lowest-index) matching allow, deny and error.
    struct Tally {
        var firstAllow = Int.max
        var firstDeny = Int.max
        var firstError = Int.max
        var errorMessage = ""
    }

    /// Evaluates one rule; returns true when no later rule of the same ascending bucket can change the outcome.
    @inline(__always)
    private func evaluate(_ compiled: CompiledContext, _ request: [PolicyValue], _ rules: RuleSet, _ rule: Int, _ tally: inout Tally) -> Bool {
        let frame = EvaluationFrame(request: request, rule: rule, rules: rules, state: state)
        let matched: Bool
        do {
            matched = try compiled.matcher(frame).matchResult()
        } catch {
            if rule < tally.firstError {
                tally.firstError = rule
                tally.errorMessage = error.message
            }
            return true
        }
        guard matched else { return false }
        var effect = "allow"
        if let field = compiled.effectField { effect = state.table[rules.value(rule: rule, field: field)] }
        switch effect {
        case "allow":
            tally.firstAllow = min(tally.firstAllow, rule)
            return compiled.effect == .allowOverride || compiled.effect == .priority || compiled.effect == .subjectPriority
        case "deny":
            tally.firstDeny = min(tally.firstDeny, rule)
            return compiled.effect != .allowOverride
        default:
            return false
        }
    }

    private func conclude(_ compiled: CompiledContext, _ rules: RuleSet, _ tally: Tally) -> Decision {
        let decisive: Int
        switch compiled.effect {
        case .allowOverride: decisive = tally.firstAllow
        case .denyOverride, .allowAndDeny: decisive = tally.firstDeny
        case .priority, .subjectPriority: decisive = min(tally.firstAllow, tally.firstDeny)
        }
        if tally.firstError < decisive {
            let location = "\(rules.file):\(rules.lines[tally.firstError])"
            return Decision(
                allowed: false, rules: [], reason: "error: \(tally.errorMessage) (rule at \(location))",
                error: PolicyError(.evaluationFailed, "\(tally.errorMessage) (rule at \(location))"))
        }
        switch compiled.effect {
        case .allowOverride:
            if decisive != Int.max {
                let rule = state.matchedRule(rules, decisive)
                return Decision(allowed: true, rules: [rule], reason: "allowed by \(rule)")
            }
            return Decision(allowed: false, rules: [], reason: "denied: no rule allows the request")
        case .denyOverride:
            if decisive != Int.max {
                let rule = state.matchedRule(rules, decisive)
                return Decision(allowed: false, rules: [rule], reason: "denied by \(rule)")
            }
            if tally.firstAllow != Int.max {
                let rule = state.matchedRule(rules, tally.firstAllow)
                return Decision(allowed: true, rules: [rule], reason: "allowed: no rule denies (matched \(rule))")
            }
            return Decision(allowed: true, rules: [], reason: "allowed: no rule denies the request")
        case .allowAndDeny:
            if decisive != Int.max {
                let rule = state.matchedRule(rules, decisive)
                return Decision(allowed: false, rules: [rule], reason: "denied by \(rule)")
            }
            if tally.firstAllow != Int.max {
                let rule = state.matchedRule(rules, tally.firstAllow)
                return Decision(allowed: true, rules: [rule], reason: "allowed by \(rule)")
            }
            return Decision(allowed: false, rules: [], reason: "denied: no rule allows the request")
        case .priority, .subjectPriority:
            if decisive != Int.max {
                let rule = state.matchedRule(rules, decisive)
                let allowed = decisive == tally.firstAllow
                return Decision(allowed: allowed, rules: [rule], reason: "\(allowed ? "allowed" : "denied") by \(rule)")
            }
            return Decision(allowed: false, rules: [], reason: "denied: no rule matches the request")
        }
    }

    private func decideWithoutRules(_ compiled: CompiledContext, _ request: [PolicyValue], _ rules: RuleSet) -> Decision {
        let frame = EvaluationFrame(request: request, rule: -1, rules: rules, state: state)
        let matched: Bool
        do {
            matched = try compiled.matcher(frame).matchResult()
        } catch {
            return .failure(error.message)
        }
        let allowed = compiled.effect == .denyOverride ? true : matched
        let reason = allowed ? "allowed: the matcher holds without rules" : "denied: the matcher does not hold"
        return Decision(allowed: allowed, rules: [], reason: reason)
    }

    /// Picks the narrowest index plan for this request; `nil` means every rule must be tested.
    private func candidateBuckets(_ compiled: CompiledContext, _ request: [PolicyValue], _ rules: RuleSet) -> [[Int32]]? {
        guard !compiled.plans.isEmpty, let fields = state.indexes[rules.key] else { return nil }
        let frame = EvaluationFrame(request: request, rule: -1, rules: rules, state: state)
        var best: [[Int32]]? = nil
        var bestSize = Int.max
        for plan in compiled.plans {
            guard let index = fields[plan.field] else { continue }
            var buckets: [[Int32]] = []
            var size = 0
            switch plan {
            case .equality(_, let key):
                guard let value = try? key(frame) else { continue }
                if case .string(let text) = value, let id = state.table.id(of: text), let bucket = index[id] {
                    buckets.append(bucket)
                    size = bucket.count
                }
            case .role(let graphIndex, _, let userEvaluator, let domainEvaluator):
                guard case .string(let user)? = try? userEvaluator(frame) else { continue }
                var domain: String? = nil
                if let domainEvaluator {
                    guard case .string(let text)? = try? domainEvaluator(frame) else { continue }
                    domain = text
                }
                if let id = state.table.id(of: user), let bucket = index[id] {
                    buckets.append(bucket)
                    size += bucket.count
                }
                if let reachable = state.roleGraphs[graphIndex].reachable(from: user, domain: domain) {
                    for role in reachable {
                        if let bucket = index[role] {
                            buckets.append(bucket)
                            size += bucket.count
                        }
                    }
                }
            }
            if size < bestSize {
                bestSize = size
                best = buckets
                if size == 0 { break }
            }
        }
        return best
    }
}
