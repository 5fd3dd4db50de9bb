/// One enforce context compiled: its definitions, effect, matcher closure and the index plans that let it
/// test only the rules that can match.
struct CompiledContext: Sendable {
    /// A way to narrow the rules from the request alone, derived from a top-level `&&` operand.
    enum CandidatePlan: Sendable {
        /// `p.field == <request expression>`: rules whose field equals the request value.
        case equality(field: Int, key: Evaluator)
        /// `g(<request user>, p.field[, <request domain>])`: rules whose field is the user or one of its roles.
        case role(graph: Int, field: Int, user: Evaluator, domain: Evaluator?)

        var field: Int {
            switch self {
            case .equality(let field, _), .role(_, let field, _, _): return field
            }
        }
    }

    let context: EnforceContext
    let request: PolicyModel.Definition
    let policy: PolicyModel.Definition
    let effect: PolicyEffect
    let matcher: Evaluator
    /// Go Casbin evaluates the matcher once with empty rule values when it does not mention the policy type.
    let readsPolicy: Bool
    let effectField: Int?
    let plans: [CandidatePlan]
    /// The rules of `policy`, in evaluation order (shared storage with the state's copy).
    let rules: RuleSet
    /// Indexes of `rules` by field, for the fields the plans use.
    let indexes: [Int: FieldIndex]
    /// Whether the matcher calls a role function (and so needs a per-request memo).
    var usesRoles: Bool { usesRoleFunctions }
    let usesRoleFunctions: Bool
}
