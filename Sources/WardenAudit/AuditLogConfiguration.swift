/// Where an audit log lives and how often it is checkpointed. Plain values with safe defaults;
/// the gateway and CLI fill it from their own configuration files.
public struct AuditLogConfiguration: Sendable, Hashable {
    /// SQLite database file (created if missing; WAL mode, synchronous FULL).
    public var databasePath: String
    /// Ed25519 private key file written by `AuditKeys.generate` (must be 0600).
    public var signingKeyPath: String
    /// Witness file; must not be in the database's directory, so that losing or rolling back that
    /// directory cannot also remove the witness.
    public var witnessPath: String
    /// This chain's name, unique per gateway instance (1-128 characters of a-z 0-9 . _ -).
    public var logID: String
    /// HMAC key file for keyed hashes of prompts and completions (`audit-hmac.key`); nil if unused.
    public var hmacKeyPath: String?
    /// A checkpoint is signed whenever the tree size reaches a multiple of this number.
    public var checkpointEveryRecords: Int = 1000
    /// ...or once this many seconds passed since the last one, if any record was appended.
    public var checkpointIntervalSeconds: Double = 10
    /// The most records the writer commits in one transaction.
    public var maxBatchRecords: Int = 4096
    /// How long a write waits for a lock held by another connection (an admin tool, the archiver)
    /// before it fails, and with it the appends in that transaction.
    public var busyTimeoutSeconds: Double = 5

    public init(databasePath: String, signingKeyPath: String, witnessPath: String, logID: String, hmacKeyPath: String? = nil) {
        self.databasePath = databasePath
        self.signingKeyPath = signingKeyPath
        self.witnessPath = witnessPath
        self.logID = logID
        self.hmacKeyPath = hmacKeyPath
    }

    func validate() throws(AuditError) {
        guard AuditEvent.isValidName(logID) else {
            throw AuditError(.invalidConfiguration, "log id must be 1-128 characters of a-z 0-9 . _ -")
        }
        guard checkpointEveryRecords >= 1, checkpointIntervalSeconds > 0, maxBatchRecords >= 1 else {
            throw AuditError(.invalidConfiguration, "checkpoint interval and batch size must be positive")
        }
        if FileIO.canonicalDirectory(of: databasePath) == FileIO.canonicalDirectory(of: witnessPath) {
            throw AuditError(.invalidConfiguration, "the witness file must be outside the database directory")
        }
    }
}

/// Proof of durability handed back by `AuditLog.append`: the record is on disk (fsync'd).
public struct AuditReceipt: Sendable, Hashable {
    public let seq: UInt64
    public let timestamp: Int64
    public let hash: [UInt8]
}
