import Crypto

/// Keyed hashes (HMAC-SHA256) of prompt and completion text, for audit fields.
///
/// A keyed hash lets an auditor who is given the key and a candidate text confirm it was the one
/// logged, while the log itself reveals nothing (unlike a plain hash, it cannot be brute-forced
/// against guesses without the key). Output: `hmac-sha256:<64 hex digits>`.
public struct AuditKeyedHasher: Sendable {
    let key: SymmetricKey

    public init(key: SymmetricKey) { self.key = key }

    public func keyedHash(of bytes: some Sequence<UInt8>) -> String {
        "hmac-sha256:" + Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(bytes), using: key))
    }

    public func keyedHash(of text: String) -> String { keyedHash(of: Array(text.utf8)) }
}
