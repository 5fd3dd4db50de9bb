/// One entry of the chain as stored and exported.
public struct AuditRecord: Hashable, Sendable {
    /// Gapless, starting at 1.
    public let seq: UInt64
    /// Microseconds since 1970-01-01T00:00:00Z; never decreases along the chain.
    public let timestamp: Int64
    public let event: AuditEvent
    /// `hash` of record `seq - 1`, or 32 zero bytes for record 1.
    public let prevHash: [UInt8]
    /// SHA-256 of the canonical encoding; also the record's leaf in the Merkle tree.
    public let hash: [UInt8]

    public init(seq: UInt64, timestamp: Int64, event: AuditEvent, prevHash: [UInt8], hash: [UInt8]) {
        self.seq = seq
        self.timestamp = timestamp
        self.event = event
        self.prevHash = prevHash
        self.hash = hash
    }

    /// The `prevHash` of the first record of every chain.
    public static let genesisPrevHash = [UInt8](repeating: 0, count: 32)
}
