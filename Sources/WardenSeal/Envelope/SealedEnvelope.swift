import Foundation

/// The encrypted form of one record, exactly as stored: nothing here is secret without the key ring.
public struct SealedEnvelope: Hashable, Sendable {
    /// The key-encryption key version that wrapped the data key.
    public var keyVersion: UInt32
    /// The 96-bit random nonce used to wrap the data key.
    public var wrapNonce: Data
    /// The data key encrypted under the KEK: 32 bytes of ciphertext followed by the 16-byte GCM tag.
    public var wrappedKey: Data
    /// The 96-bit random nonce used to encrypt the content.
    public var nonce: Data
    /// The content ciphertext, as long as the plaintext.
    public var ciphertext: Data
    /// The 16-byte GCM tag over the content and the content AAD.
    public var tag: Data
}
