import Crypto

/// Signs checkpoints with the log's Ed25519 private key.
public struct AuditSigner: Sendable {
    let key: Curve25519.Signing.PrivateKey

    public var publicKey: AuditPublicKey { AuditPublicKey(key: key.publicKey) }

    /// Signs the checkpoint (logID, treeSize, rootHash, timestamp) and returns it complete.
    public func sign(logID: String, treeSize: UInt64, rootHash: [UInt8], timestamp: Int64) throws(AuditError) -> AuditCheckpoint {
        let message = CanonicalEncoding.checkpointBytes(logID: logID, treeSize: treeSize, rootHash: rootHash, timestamp: timestamp)
        guard let signature = try? key.signature(for: message) else {
            throw AuditError(.keyFile, "Ed25519 signing failed")
        }
        return AuditCheckpoint(
            logID: logID, treeSize: treeSize, rootHash: rootHash, timestamp: timestamp,
            keyID: publicKey.keyID, signature: Array(signature)
        )
    }
}

/// An auditor's Ed25519 public key.
public struct AuditPublicKey: Sendable, Hashable {
    let key: Curve25519.Signing.PublicKey

    init(key: Curve25519.Signing.PublicKey) { self.key = key }

    public init?(rawRepresentation: [UInt8]) {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: rawRepresentation) else { return nil }
        self.key = key
    }

    public var rawRepresentation: [UInt8] { Array(key.rawRepresentation) }

    /// First 8 bytes of SHA-256 of the raw public key, in hex: names the key in checkpoints.
    public var keyID: String { Hex.encode(SHA256.hash(data: rawRepresentation).prefix(8)) }

    /// Whether the checkpoint's signature is valid under this key.
    public func isValidSignature(of checkpoint: AuditCheckpoint) -> Bool {
        checkpoint.signature.count == 64 && key.isValidSignature(checkpoint.signature, for: checkpoint.signedBytes)
    }

    public static func == (lhs: AuditPublicKey, rhs: AuditPublicKey) -> Bool { lhs.rawRepresentation == rhs.rawRepresentation }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawRepresentation) }
}
