/// How a ``SealedStore`` is opened. Every value but the two paths has a production default.
public struct SealedStoreConfiguration: Sendable {
    /// The SQLite database file. Created 0600 if absent; keep it apart from the audit database.
    public var databasePath: String
    /// Where the key ring is loaded from.
    public var keyRing: KeyRingSource
    /// Largest plaintext accepted, in bytes (64 MiB by default).
    public var maximumRecordSize: Int = 64 << 20
    /// Whether each seal records a `prompt.stored` event. Turn it off only when the caller's own audit event already
    /// carries the record ids (as the gateway's request event does), to avoid writing the same fact twice.
    public var recordsStoreEvents: Bool = true
    /// Whether a seal waits for its group commit (the default) or only for the queue.
    public var durability: SealDurability = .committed
    /// KEK use thresholds.
    public var keyUsageLimits: KeyUsageLimits = .standard
    /// How long records are kept, per domain.
    public var retention: RetentionPolicy = .keepForever
    /// How many records a shred, rewrap or retention pass handles per transaction and per audit event.
    public var batchSize: Int = 500

    /// Creates a configuration with production defaults.
    public init(databasePath: String, keyRing: KeyRingSource) {
        self.databasePath = databasePath
        self.keyRing = keyRing
    }
}
