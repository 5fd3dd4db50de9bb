import WardenPKI

/// Everything `warden serve` needs, with a default for every field.
///
/// Reading it from YAML and the environment lives in `WardenConfiguration+YAML.swift`, which documents each key;
/// this type only holds values, so tests build it directly.
public struct WardenConfiguration: Sendable {
    public struct Server: Sendable {
        /// Address to bind. The default listens on loopback only: exposing Warden is a deliberate act.
        public var host = "127.0.0.1"
        public var port = 8443
        /// Largest request body accepted; larger bodies get 413 before they are read in full.
        public var maxBodyBytes = 1 << 20
        /// Connections beyond this wait in the listen backlog instead of being accepted.
        public var maxConnections = 512
        /// A connection with no traffic for this long is closed (slow or stalled clients).
        public var idleTimeoutSeconds = 30
        /// A TLS handshake not finished in this time is abandoned.
        public var handshakeTimeoutSeconds = 10
        /// On SIGTERM, in-flight requests get this long to finish.
        public var shutdownGraceSeconds = 20
        public init() {}
    }

    public struct TLS: Sendable {
        public var certificatePath = "server.crt"
        public var privateKeyPath = "server.key"
        /// The CAs whose client certificates are accepted (the system store is never used for clients).
        public var clientCAPath = "ca.crt"
        /// Optional CRL, reloaded with the certificates on SIGHUP.
        public var crlPath: String?
        /// "1.2" or "1.3": the lowest protocol version offered.
        public var minimumVersion = "1.2"
        public init() {}
    }

    public struct Logging: Sendable {
        public var level = "info"
        /// "json" for one JSON object per line, "text" for humans.
        public var format = "json"
        public init() {}
    }

    public struct Policy: Sendable {
        public var modelPath = "Policies/model.conf"
        public var policyPath = "Policies/policy.csv"
        /// Decision cases that must pass before a policy is loaded or reloaded.
        public var casesPath: String?
        /// Polling interval for file changes, in seconds (0 disables; SIGHUP always reloads).
        public var watchIntervalSeconds = 2
        public init() {}
    }

    public struct Engine: Sendable {
        /// GGUF model to serve; nil runs the gateway with no model (completion routes answer 503).
        public var modelPath: String?
        /// The id clients use in `model`; defaults to the file name without extension.
        public var modelID: String?
        /// Sensitivity label of the model, compared with callers' clearance by the policy.
        public var sensitivity = 0
        public var threads = 0
        public var contextLength = 2048
        /// Sequences decoded together in one batch; more raise throughput and the KV cache needed.
        public var maxRunningSequences = 16
        /// Requests waiting for a batch slot; beyond this clients get 429 with Retry-After.
        public var maxQueuedRequests = 64
        /// Memory for the paged key/value cache, in MiB, allocated once (0: the engine's default, 256 MiB raised to hold
        /// 256 positions per running sequence and one full context).
        public var kvCacheMiB = 0
        /// Tokens per forward pass: decoders take one each, prompt chunks fill the rest.
        public var maxBatchTokens = 512
        /// Whole-request limit, queueing included; a request past it ends with what it has so far.
        public var requestTimeoutSeconds = 600
        /// Reuse cached key/value blocks of identical prompt prefixes (a team's shared system prompt).
        public var prefixCaching = true
        public init() {}
    }

    public struct Audit: Sendable {
        /// SQLite database of the hash-chained log.
        public var databasePath = "data/audit.db"
        /// Ed25519 key that signs checkpoints (0600); its `.pub` beside it is all an auditor needs.
        public var signingKeyPath = "audit/audit-signing.key"
        /// HMAC key for the keyed hashes of prompts and completions (0600).
        public var hmacKeyPath = "audit/audit-hmac.key"
        /// A second copy of every checkpoint, outside the database directory, so a cut-off tail is detected.
        public var witnessPath = "witness/audit.witness"
        /// This instance's chain id; each gateway instance writes its own chain.
        public var logID = "warden-1"
        public var checkpointEveryRecords = 1000
        public var checkpointIntervalSeconds = 10
        public init() {}
    }

    public struct Seal: Sendable {
        /// SQLite database of sealed prompts and completions (apart from the audit database).
        public var databasePath = "data/prompts.db"
        /// Key ring file (0600); `keys.environment` or `keys.credential` may name another source instead.
        public var keyRingPath = "keys/keyring"
        /// Read the key ring from this environment variable instead of the file.
        public var keyRingEnvironment: String?
        /// Read the key ring from the systemd credential `$CREDENTIALS_DIRECTORY/<name>` instead of the file.
        public var keyRingCredential: String?
        /// Days a sealed record is kept (0: forever); `retention_days_by_team.<team>` overrides per team.
        public var retentionDays = 0
        public var retentionDaysByTeam: [String: Int] = [:]
        /// Seconds between retention passes.
        public var retentionIntervalSeconds = 3600
        public init() {}
    }

    public var server = Server()
    public var tls = TLS()
    public var identity = IdentityMapping()
    /// The certificate attribute holding the caller's clearance (an integer) for ABAC rules.
    public var clearanceAttribute = "clearance"
    public var logging = Logging()
    public var policy = Policy()
    public var engine = Engine()
    public var audit = Audit()
    public var seal = Seal()

    public init() {}
}
