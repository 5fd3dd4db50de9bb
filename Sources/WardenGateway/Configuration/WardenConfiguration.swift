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

    public init() {}
}
