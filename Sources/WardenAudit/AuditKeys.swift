import Crypto

/// Creation and loading of the audit log's key files (AUDIT-FORMAT.md §6).
///
/// `warden audit keygen` and `warden init` both call `generate(inDirectory:)`. Three files:
/// - `audit-signing.key` (0600): the Ed25519 private key that signs checkpoints;
/// - `audit-signing.pub` (0644): its public key, the only thing an auditor needs;
/// - `audit-hmac.key` (0600): the HMAC-SHA256 key for keyed hashes of prompts and completions.
public enum AuditKeys {
    public static let signingKeyFileName = "audit-signing.key"
    public static let publicKeyFileName = "audit-signing.pub"
    public static let hmacKeyFileName = "audit-hmac.key"

    static let privatePrefix = "ed25519-private:"
    static let publicPrefix = "ed25519:"
    static let hmacPrefix = "hmac-sha256:"

    /// Paths of a generated key set.
    public struct Paths: Sendable, Hashable {
        public let signingKey: String
        public let publicKey: String
        public let hmacKey: String
    }

    /// Creates a fresh signing key pair and HMAC key in `directory` (which must exist). Refuses to
    /// overwrite existing files, so a key that signed checkpoints can never be silently replaced.
    @discardableResult
    public static func generate(inDirectory directory: String) throws(AuditError) -> Paths {
        let dir = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let paths = Paths(
            signingKey: dir + "/" + signingKeyFileName,
            publicKey: dir + "/" + publicKeyFileName,
            hmacKey: dir + "/" + hmacKeyFileName
        )
        for path in [paths.signingKey, paths.publicKey, paths.hmacKey] where FileIO.mode(path: path) != nil {
            throw AuditError(.keyFile, "file already exists: \(path)")
        }
        let signing = Curve25519.Signing.PrivateKey()
        let hmac = SymmetricKey(size: .bits256)
        try FileIO.createExclusive(path: paths.signingKey, bytes: encode(privatePrefix, signing.rawRepresentation), mode: 0o600)
        try FileIO.createExclusive(path: paths.hmacKey, bytes: encode(hmacPrefix, hmac.withUnsafeBytes { Array($0) }), mode: 0o600)
        try FileIO.createExclusive(path: paths.publicKey, bytes: encode(publicPrefix, signing.publicKey.rawRepresentation), mode: 0o644)
        return paths
    }

    /// Loads the checkpoint signing key; refuses a file readable by group or others.
    public static func loadSigner(path: String) throws(AuditError) -> AuditSigner {
        let raw = try loadSecret(path: path, prefix: privatePrefix)
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw AuditError(.keyFile, "\(path) does not hold an Ed25519 private key")
        }
        return AuditSigner(key: key)
    }

    /// Loads the HMAC key for keyed hashes; refuses a file readable by group or others.
    public static func loadKeyedHasher(path: String) throws(AuditError) -> AuditKeyedHasher {
        let raw = try loadSecret(path: path, prefix: hmacPrefix)
        guard raw.count >= 32 else { throw AuditError(.keyFile, "\(path) holds an HMAC key shorter than 32 bytes") }
        return AuditKeyedHasher(key: SymmetricKey(data: raw))
    }

    /// Loads an auditor's public key.
    public static func loadPublicKey(path: String) throws(AuditError) -> AuditPublicKey {
        guard let bytes = try FileIO.readFile(path: path, limit: 4096, code: .keyFile) else {
            throw AuditError(.keyFile, "public key file not found: \(path)")
        }
        guard let raw = decode(bytes, prefix: publicPrefix), let key = AuditPublicKey(rawRepresentation: raw) else {
            throw AuditError(.keyFile, "\(path) is not a Warden audit public key (expected 'ed25519:<base64>')")
        }
        return key
    }

    private static func loadSecret(path: String, prefix: String) throws(AuditError) -> [UInt8] {
        guard let mode = FileIO.mode(path: path) else { throw AuditError(.keyFile, "key file not found: \(path)") }
        guard mode & 0o077 == 0 else {
            throw AuditError(.keyFile, "\(path) is accessible by group or others; run chmod 600")
        }
        guard let bytes = try FileIO.readFile(path: path, limit: 4096, code: .keyFile), let raw = decode(bytes, prefix: prefix) else {
            throw AuditError(.keyFile, "\(path) is not a Warden audit key file (expected '\(prefix)<base64>')")
        }
        return raw
    }

    static func encode(_ prefix: String, _ raw: some Sequence<UInt8>) -> [UInt8] {
        Array((prefix + Base64.encode(Array(raw)) + "\n").utf8)
    }

    static func decode(_ bytes: [UInt8], prefix: String) -> [UInt8]? {
        var text = String(decoding: bytes, as: UTF8.self)
        while text.last == "\n" || text.last == "\r" || text.last == " " { text.removeLast() }
        guard text.hasPrefix(prefix) else { return nil }
        return Base64.decode(String(text.dropFirst(prefix.count)))
    }
}
