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
        guard let compiled = state.standardContext else {
            return .failure("the model has no enforce context r, p, e, m")
        }
        return enforce(request, compiled)
    }

    /// Decides a request with an explicit context such as `.numbered("2")`.
    public func enforce(_ request: [PolicyValue], context: EnforceContext) -> Decision {
        guard let compiled = state.contexts[context] else {
            return .failure("the model has no enforce context \(context.request), \(context.policy), \(context.effect), \(context.matcher)")
        }
        return enforce(request, compiled)
    }

    /// Rule sets up to this size are scanned directly: choosing an index would cost more than it saves.
    static let directScanLimit = 8

    private func enforce(_ request: [PolicyValue], _ compiled: CompiledContext) -> Decision {
        guard request.count == compiled.request.tokens.count else {
            return .failure("invalid request size: expected \(compiled.request.tokens.count) values, got \(request.count)")
        }
        let rules = compiled.rules
        var frame = EvaluationFrame(
            request: request, rule: -1, rules: rules, state: state, scratch: compiled.usesRoles ? EvaluationScratch() : EvaluationScratch.unused)
        if rules.count == 0 || !compiled.readsPolicy {
            return decideWithoutRules(compiled, frame)
        }
        var tally = Tally()
        if rules.count > PolicyEnforcer.directScanLimit, let plan = choosePlan(compiled, frame) {
            switch plan {
            case .bucket(let bucket):
                for rule in bucket where evaluate(compiled, &frame, Int(rule), &tally) { break }
            case .roles(let userBucket, let roles, let index):
                for rule in userBucket where evaluate(compiled, &frame, Int(rule), &tally) { break }
                for role in roles {
                    for rule in index.bucket(role) where evaluate(compiled, &frame, Int(rule), &tally) { break }
                }
            }
        } else {
            for rule in 0..<rules.count where evaluate(compiled, &frame, rule, &tally) { break }
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
    private func evaluate(_ compiled: CompiledContext, _ frame: inout EvaluationFrame, _ rule: Int, _ tally: inout Tally) -> Bool {
        frame.rule = rule
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
        if let field = compiled.effectField { effect = state.table[frame.rules.value(rule: rule, field: field)] }
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
            return .failure("\(tally.errorMessage) (rule at \(rules.file):\(rules.lines[tally.firstError]))")
        }
        func rule(_ index: Int) -> [MatchedRule] { [state.matchedRule(rules, index)] }
        switch compiled.effect {
        case .allowOverride:
            if decisive != Int.max { return Decision(allowed: true, rules: rule(decisive), outcome: .allowedByRule) }
            return Decision(allowed: false, rules: [], outcome: .deniedNoAllow)
        case .denyOverride:
            if decisive != Int.max { return Decision(allowed: false, rules: rule(decisive), outcome: .deniedByRule) }
            if tally.firstAllow != Int.max { return Decision(allowed: true, rules: rule(tally.firstAllow), outcome: .allowedNoDenyMatched) }
            return Decision(allowed: true, rules: [], outcome: .allowedNoDeny)
        case .allowAndDeny:
            if decisive != Int.max { return Decision(allowed: false, rules: rule(decisive), outcome: .deniedByRule) }
            if tally.firstAllow != Int.max { return Decision(allowed: true, rules: rule(tally.firstAllow), outcome: .allowedByRule) }
            return Decision(allowed: false, rules: [], outcome: .deniedNoAllow)
        case .priority, .subjectPriority:
            if decisive != Int.max {
                let allowed = decisive == tally.firstAllow
                return Decision(allowed: allowed, rules: rule(decisive), outcome: allowed ? .allowedByRule : .deniedByRule)
            }
            return Decision(allowed: false, rules: [], outcome: .deniedNoMatch)
        }
    }

    private func decideWithoutRules(_ compiled: CompiledContext, _ frame: EvaluationFrame) -> Decision {
        let matched: Bool
        do {
            matched = try compiled.matcher(frame).matchResult()
        } catch {
            return .failure(error.message)
        }
        let allowed = compiled.effect == .denyOverride ? true : matched
        return Decision(allowed: allowed, rules: [], outcome: allowed ? .matcherHolds : .matcherFails)
    }

    /// The rules an index plan leaves to test: one bucket, or the user's bucket plus its roles' buckets.
    enum ChosenPlan {
        case bucket(ArraySlice<Int32>)
        case roles(user: ArraySlice<Int32>, roles: Set<Int32>, index: FieldIndex)
    }

    /// Picks the narrowest index plan for this request; `nil` means every rule must be tested.
    private func choosePlan(_ compiled: CompiledContext, _ frame: EvaluationFrame) -> ChosenPlan? {
        var best: ChosenPlan? = nil
        var bestSize = Int.max
        for plan in compiled.plans {
            guard let index = compiled.indexes[plan.field] else { continue }
            switch plan {
            case .equality(_, let key):
                guard let value = try? key(frame) else { continue }
                var bucket: ArraySlice<Int32> = []
                if case .string(let text) = value, let id = state.table.id(of: text) { bucket = index.bucket(id) }
                if bucket.count < bestSize {
                    bestSize = bucket.count
                    best = .bucket(bucket)
                }
            case .role(let graphIndex, _, let userEvaluator, let domainEvaluator):
                guard case .string(let user)? = try? userEvaluator(frame) else { continue }
                var domain: String? = nil
                if let domainEvaluator {
                    guard case .string(let text)? = try? domainEvaluator(frame) else { continue }
                    domain = text
                }
                let userBucket = state.table.id(of: user).map { index.bucket($0) } ?? []
                let roles = frame.scratch.reachable(graph: graphIndex, user: user, domain: domain, in: state.roleGraphs) ?? []
                var size = userBucket.count
                for role in roles { size += index.bucket(role).count }
                if size < bestSize {
                    bestSize = size
                    best = .roles(user: userBucket, roles: roles, index: index)
                }
            }
            if bestSize == 0 { break }
        }
        return best
    }
}
