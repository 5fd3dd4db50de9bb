import Crypto
import Foundation

/// One version of a key-encryption key (KEK): 256 random bits that wrap records' data keys.
public struct KeyEncryptionKey: Sendable {
    /// The version number, unique within a key ring and never reused after retirement.
    public let version: UInt32
    /// When the version was created.
    public let createdAt: Date
    let key: SymmetricKey

    /// A short fingerprint of the key (first 8 bytes of HMAC-SHA256 over a fixed label, hex). It identifies the key in
    /// `keys list` and detects a corrupted key file without revealing anything usable about the key.
    public var checkValue: String { Self.checkValue(of: key) }

    init(version: UInt32, createdAt: Date, key: SymmetricKey) {
        self.version = version
        self.createdAt = createdAt
        self.key = key
    }

    /// Makes a new random version.
    static func generate(version: UInt32, now: Date) -> KeyEncryptionKey {
        KeyEncryptionKey(version: version, createdAt: now, key: SymmetricKey(size: .bits256))
    }

    static func checkValue(of key: SymmetricKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("warden-keyring/v1/check".utf8), using: key)
        return mac.prefix(8).map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}
