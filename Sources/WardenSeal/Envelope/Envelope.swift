import Crypto
import Foundation

/// Envelope encryption of one record: AES-256-GCM under a fresh data key, the data key wrapped with AES-256-GCM under a
/// key-encryption key (KEK).
///
/// A fresh 256-bit data key per record means each data key encrypts exactly one message, so its nonce can never repeat;
/// the KEK's random wrap nonces are what the key ring counts against NIST SP 800-38D's 2^32 limit.
public enum Envelope {
    /// Seals `plaintext` for `recordID`. Pure computation: no I/O, no counters; the caller accounts for the KEK use.
    public static func seal(
        _ plaintext: some DataProtocol, recordID: String, metadata: RecordMetadata, kek: KeyEncryptionKey
    ) throws(SealError) -> SealedEnvelope {
        try seal(plaintext, recordID: recordID, metadata: metadata, kek: kek, randomness: SealRandomness())
    }

    static func seal(
        _ plaintext: some DataProtocol, recordID: String, metadata: RecordMetadata, kek: KeyEncryptionKey,
        randomness: borrowing SealRandomness
    ) throws(SealError) -> SealedEnvelope {
        let contentAAD = EnvelopeAAD.content(recordID: recordID, metadata: metadata)
        let wrapAAD = EnvelopeAAD.wrap(keyVersion: kek.version, content: contentAAD)
        let dataKey = randomness.dataKey
        let contentNonce = randomness.contentNonce
        let wrapNonce = randomness.wrapNonce
        do {
            let content = try AES.GCM.seal(plaintext, using: dataKey, nonce: contentNonce, authenticating: contentAAD)
            let wrapped = try dataKey.withUnsafeBytes { keyBytes in
                try AES.GCM.seal(keyBytes, using: kek.key, nonce: wrapNonce, authenticating: wrapAAD)
            }
            return SealedEnvelope(
                keyVersion: kek.version,
                wrapNonce: Data(wrapped.nonce),
                wrappedKey: wrapped.ciphertext + wrapped.tag,
                nonce: Data(content.nonce),
                ciphertext: content.ciphertext,
                tag: content.tag
            )
        } catch {
            throw SealError(.integrityFailure, recordID: recordID, "AES-GCM refused to seal (\(type(of: error)))")
        }
    }

    /// Opens an envelope, checking every bound field. Any alteration gives ``SealError/Code/integrityFailure`` naming
    /// the record.
    public static func open(
        _ envelope: SealedEnvelope, recordID: String, metadata: RecordMetadata, kek: KeyEncryptionKey
    ) throws(SealError) -> Data {
        guard kek.version == envelope.keyVersion else {
            throw SealError(.keyVersionUnknown, recordID: recordID, "envelope uses key version \(envelope.keyVersion), not \(kek.version)")
        }
        let dataKey = try unwrapDataKey(envelope, recordID: recordID, metadata: metadata, kek: kek)
        let contentAAD = EnvelopeAAD.content(recordID: recordID, metadata: metadata)
        let box: AES.GCM.SealedBox
        do {
            box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: envelope.nonce), ciphertext: envelope.ciphertext, tag: envelope.tag)
        } catch {
            throw SealError(.integrityFailure, recordID: recordID, "content nonce or tag is malformed")
        }
        do {
            return try AES.GCM.open(box, using: dataKey, authenticating: contentAAD)
        } catch {
            throw SealError(.integrityFailure, recordID: recordID, "content failed authentication (ciphertext, tag, nonce or a bound field was altered)")
        }
    }

    /// Moves a record's data key from its current KEK to `newKEK` without touching the content ciphertext.
    public static func rewrap(
        _ envelope: SealedEnvelope, recordID: String, metadata: RecordMetadata, from oldKEK: KeyEncryptionKey,
        to newKEK: KeyEncryptionKey
    ) throws(SealError) -> SealedEnvelope {
        let dataKey = try unwrapDataKey(envelope, recordID: recordID, metadata: metadata, kek: oldKEK)
        let wrapAAD = EnvelopeAAD.wrap(
            keyVersion: newKEK.version, content: EnvelopeAAD.content(recordID: recordID, metadata: metadata))
        do {
            let wrapped = try dataKey.withUnsafeBytes { keyBytes in
                try AES.GCM.seal(keyBytes, using: newKEK.key, nonce: AES.GCM.Nonce(), authenticating: wrapAAD)
            }
            var result = envelope
            result.keyVersion = newKEK.version
            result.wrapNonce = Data(wrapped.nonce)
            result.wrappedKey = wrapped.ciphertext + wrapped.tag
            return result
        } catch {
            throw SealError(.integrityFailure, recordID: recordID, "AES-GCM refused to rewrap (\(type(of: error)))")
        }
    }

    private static func unwrapDataKey(
        _ envelope: SealedEnvelope, recordID: String, metadata: RecordMetadata, kek: KeyEncryptionKey
    ) throws(SealError) -> SymmetricKey {
        guard envelope.wrappedKey.count == 48 else {
            throw SealError(.integrityFailure, recordID: recordID, "wrapped key has \(envelope.wrappedKey.count) bytes, expected 48")
        }
        let wrapAAD = EnvelopeAAD.wrap(
            keyVersion: envelope.keyVersion, content: EnvelopeAAD.content(recordID: recordID, metadata: metadata))
        do {
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: envelope.wrapNonce),
                ciphertext: envelope.wrappedKey.prefix(32),
                tag: envelope.wrappedKey.suffix(16)
            )
            var keyBytes = try AES.GCM.open(box, using: kek.key, authenticating: wrapAAD)
            defer { keyBytes.resetBytes(in: keyBytes.startIndex..<keyBytes.endIndex) }  // the key lives on only in SymmetricKey's zeroed-on-free storage
            return SymmetricKey(data: keyBytes)
        } catch {
            throw SealError(.integrityFailure, recordID: recordID, "wrapped data key failed authentication (wrapped key, wrap nonce, key version or a bound field was altered)")
        }
    }
}
