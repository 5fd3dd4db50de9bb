/// What a compiled matcher reads while it evaluates one rule for one request. One frame is made per
/// request; only `rule` changes from rule to rule.
struct EvaluationFrame {
    let request: [PolicyValue]
    /// The rule being tested, or -1 when the policy is empty and the matcher runs once with empty values.
    var rule: Int
    let rules: RuleSet
    let state: EnforcerState
    let scratch: EvaluationScratch

    @inline(__always) func ruleString(_ field: Int) -> String {
        rule < 0 ? "" : state.table[rules.value(rule: rule, field: field)]
    }
}

/// Per-request memo: the roles a request's user has, computed once and reused for every rule the matcher
/// tests (Casbin recomputes it per rule). Never shared between requests.
final class EvaluationScratch {
    /// Handed to requests whose matcher calls no role function, so they skip the allocation. Nothing ever
    /// writes to it: only role functions and role index plans use the memo, and such contexts get their own.
    nonisolated(unsafe) static let unused = EvaluationScratch()

    private var graph = -1
    private var user = ""
    private var domain: String? = nil
    private var roles: Set<Int32>? = nil

    func reachable(graph index: Int, user name: String, domain place: String?, in graphs: [RoleGraph]) -> Set<Int32>? {
        if index == graph, name == user, place == domain { return roles }
        graph = index
        user = name
        domain = place
        roles = graphs[index].reachable(from: name, domain: place)
        return roles
    }
}

/// A compiled matcher expression.
typealias Evaluator = @Sendable (EvaluationFrame) throws(EvaluationError) -> MatcherValue
