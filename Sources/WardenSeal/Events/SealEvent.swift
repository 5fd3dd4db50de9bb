import Foundation

/// Something the sealed store or the key ring did that must appear in the audit log.
///
/// Events carry identifiers only: record ids, key versions, counts, selectors and the acting identity. They never carry
/// plaintext, key material, or anything derived from plaintext, so an audit log built from them stays harmless after a
/// shred and can be shown to auditors who are not allowed to read prompts.
public struct SealEvent: Sendable, Hashable {
    /// What happened. The raw values are stable names for the audit log.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        /// The stable name, for example `key.rotated`.
        public let rawValue: String
        init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A key ring was created (`warden keys init`, `warden init`).
        public static let keyRingCreated = Kind("key.ring_created")
        /// A new primary key version was added, by an operator or because the use limit was near.
        public static let keyRotated = Kind("key.rotated")
        /// A key version was removed from the ring.
        public static let keyRetired = Kind("key.retired")
        /// Records' data keys were re-wrapped from older key versions to the primary.
        public static let keyRewrapped = Kind("key.rewrapped")
        /// A record was sealed and committed.
        public static let promptStored = Kind("prompt.stored")
        /// A record was decrypted for a reader.
        public static let promptRead = Kind("prompt.read")
        /// Records' data keys are being destroyed; from this event on they cannot be read.
        public static let promptShredded = Kind("prompt.shredded")
    }

    /// What happened.
    public var kind: Kind
    /// Who did it: an operator name, a caller identity, or `warden-seal:<job>` for automatic work.
    public var actor: String
    /// When the store emitted the event.
    public var time: Date
    /// Records concerned, in the order the store processed them.
    public var recordIDs: [String]
    /// Small identifier-like fields: `key_version`, `domain`, `kind`, `selector`, `reason`...
    public var fields: [String: String]
    /// Counts and versions: `key_version`, `records`, `uses_reserved`...
    public var integers: [String: Int]

    /// Creates an event; the store and key ring fill these in, sinks only read them.
    public init(
        kind: Kind, actor: String, time: Date = Date(), recordIDs: [String] = [],
        fields: [String: String] = [:], integers: [String: Int] = [:]
    ) {
        self.kind = kind
        self.actor = actor
        self.time = time
        self.recordIDs = recordIDs
        self.fields = fields
        self.integers = integers
    }
}
