import Foundation

/// A decrypted record, returned only to a caller whose read was recorded in the audit log.
public struct OpenedRecord: Sendable {
    /// The record's id.
    public var id: String
    /// Who and what the record belongs to.
    public var metadata: RecordMetadata
    /// When the record was sealed (millisecond precision).
    public var createdAt: Date
    /// The KEK version its data key is wrapped with.
    public var keyVersion: UInt32
    /// The plaintext. Treat it as the most sensitive data Warden holds: never log it.
    public var plaintext: Data
}
