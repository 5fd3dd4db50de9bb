/// The outcome of preparing a reload: a ready enforcer to swap in, or the reasons to keep the old one.
public enum PolicyReloadResult: Sendable {
    /// The files parsed, compiled and passed every case; `caseCount` cases ran.
    case ready(PolicyEnforcer, caseCount: Int)
    /// Something is wrong; each error says where (`file:line:col: message`). Keep serving the old policy.
    case rejected([PolicyError])
}

extension PolicyEnforcer {
    /// Prepares a hot-reload candidate: parses and compiles the model and policy, then runs the cases file
    /// (when given) against the result. Nothing is swapped here; the caller swaps the returned enforcer in
    /// atomically only on `.ready`, and audits both outcomes.
    public static func prepareReload(
        modelPath: String, policyPath: String, casesPath: String?, options: PolicyOptions = PolicyOptions()
    ) -> PolicyReloadResult {
        let enforcer: PolicyEnforcer
        do {
            enforcer = try load(modelPath: modelPath, policyPath: policyPath, options: options)
        } catch {
            return .rejected([error])
        }
        guard let casesPath else { return .ready(enforcer, caseCount: 0) }
        let cases: [PolicyCase]
        do {
            cases = try PolicyCases.load(path: casesPath)
        } catch {
            return .rejected([error])
        }
        let failures = PolicyCases.run(cases, on: enforcer)
        if failures.isEmpty { return .ready(enforcer, caseCount: cases.count) }
        return .rejected(failures.map { failure in
            PolicyError(.caseFailed, String(failure.description.dropFirst(failure.testCase.location.description.count + 2)), at: failure.testCase.location)
        })
    }
}
