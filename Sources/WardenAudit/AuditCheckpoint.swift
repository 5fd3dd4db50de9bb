/// A signed statement "the log `logID` had `treeSize` records with Merkle root `rootHash` at `timestamp`".
public struct AuditCheckpoint: Hashable, Sendable {
    public let logID: String
    public let treeSize: UInt64
    public let rootHash: [UInt8]
    /// Microseconds since the Unix epoch.
    public let timestamp: Int64
    /// `AuditPublicKey.keyID` of the signing key: tells an auditor which public key to use.
    public let keyID: String
    /// Ed25519 signature over `signedBytes`.
    public let signature: [UInt8]

    public init(logID: String, treeSize: UInt64, rootHash: [UInt8], timestamp: Int64, keyID: String, signature: [UInt8]) {
        self.logID = logID
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.timestamp = timestamp
        self.keyID = keyID
        self.signature = signature
    }

    /// The canonical bytes the signature covers (AUDIT-FORMAT.md §4).
    public var signedBytes: [UInt8] {
        CanonicalEncoding.checkpointBytes(logID: logID, treeSize: treeSize, rootHash: rootHash, timestamp: timestamp)
    }

    public var rootHashHex: String { Hex.encode(rootHash) }
}
