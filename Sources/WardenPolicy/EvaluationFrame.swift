/// What a compiled matcher reads while it evaluates one rule for one request.
struct EvaluationFrame {
    let request: [PolicyValue]
    /// The rule being tested, or -1 when the policy is empty and the matcher runs once with empty values.
    let rule: Int
    let rules: RuleSet
    let state: EnforcerState

    @inline(__always) func ruleString(_ field: Int) -> String {
        rule < 0 ? "" : state.table[rules.value(rule: rule, field: field)]
    }
}

/// A compiled matcher expression.
typealias Evaluator = @Sendable (EvaluationFrame) throws(EvaluationError) -> MatcherValue
