import Foundation
import WardenPKI

/// The one table of configuration keys: YAML paths, environment names and how each value is applied.
///
/// YAML key `server.port` is also environment variable `WARDEN_SERVER_PORT`; environment values override the file.
/// Docs/CONFIGURATION.md lists the same keys for operators.
struct ConfigurationKey: Sendable {
    let path: String
    let apply: @Sendable (inout WardenConfiguration, String) throws(ConfigurationError) -> Void

    var environmentName: String {
        "WARDEN_" + path.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    static func int(_ path: String, _ range: ClosedRange<Int>, _ set: @escaping @Sendable (inout WardenConfiguration, Int) -> Void)
        -> ConfigurationKey
    {
        ConfigurationKey(path: path) { configuration, text throws(ConfigurationError) in
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
                throw ConfigurationError("\(path): expected an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
            }
            set(&configuration, value)
        }
    }

    /// YAML's booleans (`true`/`false`, also `yes`/`no`, `on`/`off`) and the same words in the environment.
    static func bool(_ path: String, _ set: @escaping @Sendable (inout WardenConfiguration, Bool) -> Void) -> ConfigurationKey {
        ConfigurationKey(path: path) { configuration, text throws(ConfigurationError) in
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "yes", "on", "1": set(&configuration, true)
            case "false", "no", "off", "0": set(&configuration, false)
            default: throw ConfigurationError("\(path): expected true or false, got '\(text)'")
            }
        }
    }

    static func string(_ path: String, _ set: @escaping @Sendable (inout WardenConfiguration, String) -> Void) -> ConfigurationKey {
        ConfigurationKey(path: path) { configuration, text throws(ConfigurationError) in
            set(&configuration, text)
        }
    }

    static func choice(
        _ path: String, _ choices: [String], _ set: @escaping @Sendable (inout WardenConfiguration, String) -> Void
    ) -> ConfigurationKey {
        ConfigurationKey(path: path) { configuration, text throws(ConfigurationError) in
            guard choices.contains(text) else {
                throw ConfigurationError("\(path): expected one of \(choices.joined(separator: ", ")), got '\(text)'")
            }
            set(&configuration, text)
        }
    }

    static func identitySource(
        _ path: String, _ set: @escaping @Sendable (inout WardenConfiguration, IdentityMapping.Source) -> Void
    ) -> ConfigurationKey {
        ConfigurationKey(path: path) { configuration, text throws(ConfigurationError) in
            guard let source = IdentityMapping.Source(parsing: text) else {
                throw ConfigurationError(
                    "\(path): expected spiffe-user, spiffe-team, cn, ou, o or uri-prefix:<prefix>, got '\(text)'")
            }
            set(&configuration, source)
        }
    }

    /// An empty value clears an optional path.
    static func optionalString(_ path: String, _ set: @escaping @Sendable (inout WardenConfiguration, String?) -> Void)
        -> ConfigurationKey
    {
        ConfigurationKey(path: path) { configuration, text throws(ConfigurationError) in
            set(&configuration, text.isEmpty ? nil : text)
        }
    }
}

extension WardenConfiguration {
    static let keys: [ConfigurationKey] = [
        .string("server.host") { $0.server.host = $1 },
        .int("server.port", 0...65535) { $0.server.port = $1 },
        .int("server.max_body_bytes", 1024...(1 << 30)) { $0.server.maxBodyBytes = $1 },
        .int("server.max_connections", 1...1_000_000) { $0.server.maxConnections = $1 },
        .int("server.idle_timeout_seconds", 1...3600) { $0.server.idleTimeoutSeconds = $1 },
        .int("server.handshake_timeout_seconds", 1...300) { $0.server.handshakeTimeoutSeconds = $1 },
        .int("server.shutdown_grace_seconds", 0...3600) { $0.server.shutdownGraceSeconds = $1 },
        .string("tls.certificate") { $0.tls.certificatePath = $1 },
        .string("tls.private_key") { $0.tls.privateKeyPath = $1 },
        .string("tls.client_ca") { $0.tls.clientCAPath = $1 },
        .optionalString("tls.crl") { $0.tls.crlPath = $1 },
        .choice("tls.minimum_version", ["1.2", "1.3"]) { $0.tls.minimumVersion = $1 },
        .optionalString("identity.trust_domain") { $0.identity.trustDomain = $1 },
        .identitySource("identity.name") { $0.identity.name = $1 },
        .identitySource("identity.team") { $0.identity.team = $1 },
        .identitySource("identity.roles") { $0.identity.roles = $1 },
        .string("identity.attribute_prefix") { $0.identity.attributePrefix = $1 },
        .string("identity.clearance_attribute") { $0.clearanceAttribute = $1 },
        .choice("logging.level", ["trace", "debug", "info", "notice", "warning", "error", "critical"]) {
            $0.logging.level = $1
        },
        .choice("logging.format", ["json", "text"]) { $0.logging.format = $1 },
        .string("policy.model") { $0.policy.modelPath = $1 },
        .string("policy.policy") { $0.policy.policyPath = $1 },
        .optionalString("policy.cases") { $0.policy.casesPath = $1 },
        .int("policy.watch_interval_seconds", 0...3600) { $0.policy.watchIntervalSeconds = $1 },
        .optionalString("engine.model") { $0.engine.modelPath = $1 },
        .optionalString("engine.model_id") { $0.engine.modelID = $1 },
        .int("engine.sensitivity", 0...100) { $0.engine.sensitivity = $1 },
        .int("engine.threads", 0...1024) { $0.engine.threads = $1 },
        .int("engine.context_length", 16...1_048_576) { $0.engine.contextLength = $1 },
        .int("engine.max_running_sequences", 1...256) { $0.engine.maxRunningSequences = $1 },
        .int("engine.max_queued_requests", 0...100_000) { $0.engine.maxQueuedRequests = $1 },
        .int("engine.kv_cache_mib", 0...1_048_576) { $0.engine.kvCacheMiB = $1 },
        .int("engine.max_batch_tokens", 16...65_536) { $0.engine.maxBatchTokens = $1 },
        .int("engine.request_timeout_seconds", 1...86_400) { $0.engine.requestTimeoutSeconds = $1 },
        .bool("engine.prefix_caching") { $0.engine.prefixCaching = $1 },
        .string("audit.database") { $0.audit.databasePath = $1 },
        .string("audit.signing_key") { $0.audit.signingKeyPath = $1 },
        .string("audit.hmac_key") { $0.audit.hmacKeyPath = $1 },
        .string("audit.witness") { $0.audit.witnessPath = $1 },
        .string("audit.log_id") { $0.audit.logID = $1 },
        .int("audit.checkpoint_every_records", 1...10_000_000) { $0.audit.checkpointEveryRecords = $1 },
        .int("audit.checkpoint_interval_seconds", 1...86_400) { $0.audit.checkpointIntervalSeconds = $1 },
        .string("seal.database") { $0.seal.databasePath = $1 },
        .string("seal.key_ring") { $0.seal.keyRingPath = $1 },
        .optionalString("seal.key_ring_environment") { $0.seal.keyRingEnvironment = $1 },
        .optionalString("seal.key_ring_credential") { $0.seal.keyRingCredential = $1 },
        .int("seal.retention_days", 0...36_500) { $0.seal.retentionDays = $1 },
        .int("seal.retention_interval_seconds", 60...86_400) { $0.seal.retentionIntervalSeconds = $1 },
    ]

    /// Keys with a free last segment: `seal.retention_days_by_team.<team>`.
    static func applyPatternKey(_ path: String, _ value: String, to configuration: inout WardenConfiguration)
        throws(ConfigurationError) -> Bool
    {
        let prefix = "seal.retention_days_by_team."
        guard path.hasPrefix(prefix), path.count > prefix.count else { return false }
        guard let days = Int(value), (0...36_500).contains(days) else {
            throw ConfigurationError("\(path): expected a number of days in 0...36500, got '\(value)'")
        }
        configuration.seal.retentionDaysByTeam[String(path.dropFirst(prefix.count))] = days
        return true
    }
}
