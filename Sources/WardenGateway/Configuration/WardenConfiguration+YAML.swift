import Foundation
import Yams

extension WardenConfiguration {
    /// Loads a YAML file, then applies `WARDEN_*` environment overrides; relative paths are resolved against the
    /// file's directory so a config works from any working directory.
    ///
    /// Unknown keys are errors: a misspelt `tls.crl` must not silently turn revocation off.
    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> WardenConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError("\(path): cannot read configuration (\(error.localizedDescription))")
        }
        var configuration = WardenConfiguration()
        let values = try flatten(yaml: text, source: path)
        let table = Dictionary(uniqueKeysWithValues: keys.map { ($0.path, $0) })
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let entry = table[key] else {
                if try applyPatternKey(key, value, to: &configuration) { continue }
                throw ConfigurationError("\(path): unknown key '\(key)'")
            }
            do {
                try entry.apply(&configuration, value)
            } catch {
                throw ConfigurationError("\(path): \(error.description)")
            }
        }
        try configuration.applyEnvironment(environment)
        configuration.resolvePaths(relativeTo: (path as NSString).deletingLastPathComponent)
        return configuration
    }

    /// Applies every `WARDEN_<SECTION>_<KEY>` variable that names a known key.
    public mutating func applyEnvironment(_ environment: [String: String]) throws(ConfigurationError) {
        for key in Self.keys {
            guard let value = environment[key.environmentName] else { continue }
            do {
                try key.apply(&self, value)
            } catch {
                throw ConfigurationError("environment \(key.environmentName): \(error.description)")
            }
        }
    }

    mutating func resolvePaths(relativeTo base: String) {
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") || base.isEmpty ? path : (base as NSString).appendingPathComponent(path)
        }
        tls.certificatePath = resolve(tls.certificatePath)
        tls.privateKeyPath = resolve(tls.privateKeyPath)
        tls.clientCAPath = resolve(tls.clientCAPath)
        tls.crlPath = tls.crlPath.map(resolve)
        policy.modelPath = resolve(policy.modelPath)
        policy.policyPath = resolve(policy.policyPath)
        policy.casesPath = policy.casesPath.map(resolve)
        engine.modelPath = engine.modelPath.map(resolve)
        audit.databasePath = resolve(audit.databasePath)
        audit.signingKeyPath = resolve(audit.signingKeyPath)
        audit.hmacKeyPath = resolve(audit.hmacKeyPath)
        audit.witnessPath = resolve(audit.witnessPath)
        seal.databasePath = resolve(seal.databasePath)
        seal.keyRingPath = resolve(seal.keyRingPath)
    }

    /// Turns nested mappings into dotted keys with scalar values.
    static func flatten(yaml: String, source: String) throws(ConfigurationError) -> [String: String] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigurationError("\(source): invalid YAML (\(error))")
        }
        guard let root else { return [:] }
        var result: [String: String] = [:]
        func walk(_ node: Node, prefix: String) throws(ConfigurationError) {
            switch node {
            case .mapping(let mapping):
                for (keyNode, value) in mapping {
                    guard let key = keyNode.scalar?.string else {
                        throw ConfigurationError("\(source): keys must be plain strings")
                    }
                    try walk(value, prefix: prefix.isEmpty ? key : "\(prefix).\(key)")
                }
            case .scalar(let scalar):
                guard !prefix.isEmpty else { throw ConfigurationError("\(source): expected a mapping at the top level") }
                result[prefix] = ["~", "null", "Null", "NULL"].contains(scalar.string) ? "" : scalar.string
            case .sequence:
                throw ConfigurationError("\(source): \(prefix): lists are not supported here")
            case .alias:
                throw ConfigurationError("\(source): \(prefix): YAML aliases are not supported")
            }
        }
        try walk(root, prefix: "")
        return result
    }
}
