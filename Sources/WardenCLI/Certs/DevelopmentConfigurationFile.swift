/// The warden.yaml that `warden init` writes: every key it sets, with a comment saying what it is for.
/// Docs/CONFIGURATION.md lists all keys and their defaults.
struct DevelopmentConfigurationFile {
    let port: Int
    let trustDomain: String
    let policyDirectory: String
    let modelPath: String?
    let modelID: String?

    var text: String {
        """
        # Warden development configuration, written by `warden init`.
        # Relative paths are relative to this file. Every key can be overridden by an environment variable:
        # server.port -> WARDEN_SERVER_PORT, tls.crl -> WARDEN_TLS_CRL, and so on. Docs/CONFIGURATION.md lists all keys.
        server:
          host: 127.0.0.1          # loopback only; set 0.0.0.0 to accept other machines
          port: \(port)
          max_body_bytes: 1048576  # larger request bodies get 413
          max_connections: 512
          idle_timeout_seconds: 30
          handshake_timeout_seconds: 10
          shutdown_grace_seconds: 20
        tls:
          certificate: server.crt
          private_key: server.key  # must be 0600
          client_ca: ca.crt        # only clients with a certificate from these CAs can connect
          crl: crl.pem             # revoked client certificates; reloaded on SIGHUP
          minimum_version: "1.2"
        identity:
          trust_domain: \(trustDomain)
          name: spiffe-user        # spiffe-user | spiffe-team | cn | ou | o | uri-prefix:<prefix>
          team: spiffe-team
          roles: "uri-prefix:urn:warden:role:"
          attribute_prefix: "urn:warden:attr:"
          clearance_attribute: clearance
        logging:
          level: info
          format: json             # json (one object per line) or text
        policy:
          model: \(policyDirectory)/model.conf
          policy: \(policyDirectory)/policy.csv
          cases: \(policyDirectory)/policy.cases
          watch_interval_seconds: 2
        engine:
        \(modelPath.map { "  model: \($0)" } ?? "  # model: /path/to/model.gguf  (none found when this file was written)")
        \(modelID.map { "  model_id: \($0)" } ?? "  # model_id: defaults to the file name without .gguf")
          sensitivity: 0           # compared with callers' clearance by the policy
          threads: 0               # 0: one per core
          context_length: 2048
        audit:
          database: data/audit.db
          signing_key: audit/audit-signing.key   # 0600; auditors get audit/audit-signing.pub
          hmac_key: audit/audit-hmac.key         # 0600; keys the hashes of prompts in the log
          witness: witness/audit.witness         # outside data/, so a cut-off tail is detected
          log_id: warden-dev
          checkpoint_every_records: 1000
          checkpoint_interval_seconds: 10
        seal:
          database: data/prompts.db
          key_ring: keys/keyring                 # 0600; `warden keys rotate --config THIS_FILE`
          retention_days: 30                     # 0 keeps records until shredded
          # retention_days_by_team:
          #   research: 90

        """
    }
}
