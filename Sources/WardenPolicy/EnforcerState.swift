/// Everything a loaded policy needs at decision time; immutable after loading, shared by every copy of a
/// `PolicyEnforcer` and safe to read from any thread.
final class EnforcerState: Sendable {
    let model: PolicyModel
    let table: StringTable
    let ruleSets: [String: RuleSet]
    /// Source file of the policy, for explanations.
    let policyFile: String
    /// In `MatcherCompiler.roleKeys` order.
    let roleGraphs: [RoleGraph]
    let contexts: [EnforceContext: CompiledContext]
    /// The default context (`r`, `p`, `e`, `m`), looked up once here rather than hashed per request.
    let standardContext: CompiledContext?
    /// ptype → field → rules by value.
    let indexes: [String: [Int: FieldIndex]]
    /// ptype → field → value id → compiled `eval()` rule.
    let evalRules: [String: [Int: [Int32: Evaluator]]]

    init(
        model: PolicyModel, table: StringTable, ruleSets: [String: RuleSet], policyFile: String, roleGraphs: [RoleGraph],
        contexts: [EnforceContext: CompiledContext], indexes: [String: [Int: FieldIndex]],
        evalRules: [String: [Int: [Int32: Evaluator]]]
    ) {
        self.model = model
        self.table = table
        self.ruleSets = ruleSets
        self.policyFile = policyFile
        self.roleGraphs = roleGraphs
        self.contexts = contexts
        self.standardContext = contexts[.standard]
        self.indexes = indexes
        self.evalRules = evalRules
    }

    func evalRule(ptype: String, field: Int, id: Int32) -> Result<Evaluator, EvaluationError> {
        if let evaluator = evalRules[ptype]?[field]?[id] { return .success(evaluator) }
        return .failure(EvaluationError("eval() rule was not compiled"))
    }

    func matchedRule(_ rules: RuleSet, _ index: Int) -> MatchedRule {
        MatchedRule(
            ptype: rules.key, values: rules.rule(index).map { table[$0] },
            location: SourceLocation(file: rules.file, line: Int(rules.lines[index]), column: 1))
    }
}
