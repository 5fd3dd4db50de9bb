/// Who and what a sealed record belongs to. Every field is bound into the envelope's AAD and stored in clear beside it
/// (so retention and `shred --subject` can select records without decrypting): keep secrets out of these fields.
public struct RecordMetadata: Hashable, Sendable {
    /// The caller's identity, for example `spiffe://warden.local/team/research/user/alice`. The subject of erasure.
    public var owner: String
    /// The policy domain, normally the team. Retention is configured per domain.
    public var domain: String
    /// What the record holds.
    public var kind: RecordKind
    /// The model the request named, if any.
    public var model: String?

    /// The longest owner identity accepted, in UTF-8 bytes.
    public static let maximumOwnerLength = 2048
    /// The longest domain or model name accepted, in UTF-8 bytes.
    public static let maximumNameLength = 256

    /// Creates metadata; ``validate()`` runs when a record is sealed.
    public init(owner: String, domain: String, kind: RecordKind, model: String? = nil) {
        self.owner = owner
        self.domain = domain
        self.kind = kind
        self.model = model
    }

    /// Checks lengths and emptiness, so oversized or empty identities are refused before anything is written.
    public func validate() throws(SealError) {
        guard !owner.isEmpty, owner.utf8.count <= Self.maximumOwnerLength else {
            throw SealError(.invalidMetadata, "owner must be 1...\(Self.maximumOwnerLength) bytes (got \(owner.utf8.count))")
        }
        guard !domain.isEmpty, domain.utf8.count <= Self.maximumNameLength else {
            throw SealError(.invalidMetadata, "domain must be 1...\(Self.maximumNameLength) bytes (got \(domain.utf8.count))")
        }
        if let model, model.isEmpty || model.utf8.count > Self.maximumNameLength {
            throw SealError(.invalidMetadata, "model must be 1...\(Self.maximumNameLength) bytes when given")
        }
    }
}
