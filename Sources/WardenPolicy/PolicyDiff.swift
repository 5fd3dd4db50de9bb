/// One request whose decision differs between two policies.
public struct PolicyDecisionChange: Sendable, Hashable, CustomStringConvertible {
    public let request: [PolicyValue]
    public let before: Decision
    public let after: Decision

    public var description: String {
        let shown = request.map(\.description).joined(separator: ", ")
        return "\(before.allowed ? "allow" : "deny") -> \(after.allowed ? "allow" : "deny"): \(shown)\n    before: \(before.reason)\n    after:  \(after.reason)"
    }
}

/// `warden policy diff`: which decisions change between two policy sets, over the requests built from the
/// names either policy mentions (every combination, capped) or over requests the caller supplies.
public enum PolicyDiff {
    /// The most requests a vocabulary-based comparison generates.
    public static let maximumRequests = 500_000

    public static func compare(old: PolicyEnforcer, new: PolicyEnforcer, requests: [[PolicyValue]]) -> [PolicyDecisionChange] {
        requests.compactMap { request in
            let before = old.enforce(request)
            let after = new.enforce(request)
            return before.allowed == after.allowed ? nil : PolicyDecisionChange(request: request, before: before, after: after)
        }
    }

    /// Requests made of the values each policy uses: position `i` of the request takes the values of rule
    /// fields with the same name as request field `i` (plus role-link names for subject-like fields, and
    /// `nobody`); when no field shares the name, every value either policy uses. Returns `nil` when the
    /// combinations exceed `maximumRequests`.
    public static func vocabularyRequests(_ enforcers: [PolicyEnforcer]) -> [[PolicyValue]]? {
        guard let request = enforcers.first?.model.requestDefinitions["r"] else { return [] }
        var pools: [Set<String>] = Array(repeating: ["nobody"], count: request.tokens.count)
        for enforcer in enforcers {
            let state = enforcer.state
            guard let rules = state.ruleSets["p"], let policy = state.model.policyDefinitions["p"] else { continue }
            var linkNames: Set<String> = []
            for graph in state.roleGraphs { for link in graph.allLinks { linkNames.insert(link.user); linkNames.insert(link.role) } }
            for (position, token) in request.tokens.enumerated() {
                if let field = policy.tokens.firstIndex(of: token) {
                    for rule in 0..<rules.count { pools[position].insert(state.table[rules.value(rule: rule, field: field)]) }
                    if field == 0 { pools[position].formUnion(linkNames) }
                } else {
                    pools[position].formUnion(state.table.strings)
                }
            }
        }
        var total = 1
        for pool in pools {
            total = total.multipliedReportingOverflow(by: pool.count).partialValue
            if total > maximumRequests { return nil }
        }
        var requests: [[PolicyValue]] = [[]]
        for pool in pools {
            let values = pool.sorted()
            requests = requests.flatMap { prefix in values.map { prefix + [.string($0)] } }
        }
        return requests
    }
}
