import Crypto
import Foundation
import Logging
import Synchronization
import WardenPKI
import WardenPolicy

/// Holds the enforcer in force and replaces it only with a candidate that parsed, compiled and passed its cases.
///
/// Requests read the current snapshot once (a `Mutex` copy of an immutable value), so a reload never changes a
/// decision halfway through a request; in-flight requests finish on the policy they started with.
public final class PolicyService: Sendable {
    /// One loaded policy: the compiled enforcer and the hashes of the files it came from.
    struct Snapshot: Sendable {
        let enforcer: PolicyEnforcer
        let version: String
        let fileHashes: [String: String]
    }

    /// The outcome of a reload attempt, for logs and the audit log.
    public struct ReloadReport: Sendable {
        public let succeeded: Bool
        public let version: String?
        public let fileHashes: [String: String]
        public let errors: [String]
    }

    private let configuration: WardenConfiguration.Policy
    private let current: Mutex<Snapshot?>

    /// Loads the initial policy; a broken policy at start is an error (Warden does not start without one).
    public init(configuration: WardenConfiguration.Policy) throws(ConfigurationError) {
        self.configuration = configuration
        switch Self.prepare(configuration) {
        case .success(let snapshot): current = Mutex(snapshot)
        case .failure(let error): throw error
        }
    }

    public var isReady: Bool { current.withLock { $0 != nil } }

    /// The hash-based version of the policy in force.
    public var version: String? { current.withLock { $0?.version } }

    /// Decides one request with the policy in force; with none, denies.
    public func decide(_ request: AccessRequest) -> AccessDecision {
        guard let snapshot = current.withLock({ $0 }) else {
            return AccessDecision(allowed: false, rule: "", reason: "no policy loaded", policyVersion: "")
        }
        let decision = snapshot.enforcer.enforce(Self.requestValues(request))
        return AccessDecision(
            allowed: decision.allowed, rule: decision.rules.map(\.description).joined(separator: "; "),
            reason: decision.reason, policyVersion: snapshot.version)
    }

    /// Re-reads the files; swaps only when the candidate is complete and its cases pass.
    public func reload() -> ReloadReport {
        switch Self.prepare(configuration) {
        case .success(let snapshot):
            current.withLock { $0 = snapshot }
            return ReloadReport(succeeded: true, version: snapshot.version, fileHashes: snapshot.fileHashes, errors: [])
        case .failure(let error):
            return ReloadReport(
                succeeded: false, version: nil, fileHashes: Self.hashes(of: configuration), errors: [error.description])
        }
    }

    /// The request tuple of Policies/README.md: sub, dom, obj, act.
    static func requestValues(_ request: AccessRequest) -> [PolicyValue] {
        let subject: PolicyValue = .object([
            "Name": .string(request.identity.name),
            "Role": .string(request.identity.primaryRole),
            "Team": .string(request.identity.team),
            "Clearance": .number(Double(request.clearance)),
            "IP": .string(request.clientAddress),
        ])
        let object: PolicyValue = .object([
            "Path": .string(request.path),
            "Model": .string(request.model),
            "Sensitivity": .number(Double(request.sensitivity)),
        ])
        return [subject, .string(request.identity.team), object, .string(request.method)]
    }

    static func prepare(_ configuration: WardenConfiguration.Policy) -> Result<Snapshot, ConfigurationError> {
        let hashes = hashes(of: configuration)
        let enforcer: PolicyEnforcer
        switch PolicyEnforcer.prepareReload(
            modelPath: configuration.modelPath, policyPath: configuration.policyPath, casesPath: configuration.casesPath)
        {
        case .ready(let ready, _):
            enforcer = ready
        case .rejected(let errors):
            return .failure(ConfigurationError(errors.map(\.description).joined(separator: "\n")))
        }
        let version = hashes.keys.sorted().map { hashes[$0]! }.joined(separator: ":")
        return .success(Snapshot(enforcer: enforcer, version: String(version.prefix(200)), fileHashes: hashes))
    }

    /// SHA-256 of each policy file ("missing" when unreadable), recorded with every reload and decision.
    static func hashes(of configuration: WardenConfiguration.Policy) -> [String: String] {
        var result: [String: String] = [:]
        for path in [configuration.modelPath, configuration.policyPath] + (configuration.casesPath.map { [$0] } ?? []) {
            if let data = FileManager.default.contents(atPath: path) {
                result[path] = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            } else {
                result[path] = "missing"
            }
        }
        return result
    }
}
