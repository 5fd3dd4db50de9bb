import Foundation
import GRDB

/// One `sealed_record` row as the store writes and reads it.
struct SealedRow: Sendable {
    var id: String
    var createdAtMilliseconds: Int64
    var metadata: RecordMetadata
    var envelope: SealedEnvelope
    /// Set when the KEK use that sealed this row passed the rotation threshold; not stored.
    var rotationDue = false

    static let insertSQL = """
        INSERT INTO sealed_record
            (id, created_at, owner, domain, kind, model, state, key_version, wrap_nonce, wrapped_key, nonce, ciphertext, tag)
        VALUES (?, ?, ?, ?, ?, ?, 'sealed', ?, ?, ?, ?, ?, ?)
        """

    var insertArguments: StatementArguments {
        [
            id, createdAtMilliseconds, metadata.owner, metadata.domain, metadata.kind.rawValue, metadata.model,
            Int64(envelope.keyVersion), envelope.wrapNonce, envelope.wrappedKey, envelope.nonce, envelope.ciphertext,
            envelope.tag,
        ]
    }
}
