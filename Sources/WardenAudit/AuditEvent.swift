/// What happened, who did it, and typed details: the caller's half of an audit record.
///
/// Never put prompt or completion text in `fields`; store a record id and a keyed hash
/// (`AuditKeyedHasher`) instead, so that shredding the text leaves the chain verifiable.
public struct AuditEvent: Hashable, Sendable {
    /// Longest event type, field name (bytes of UTF-8).
    public static let maxNameBytes = 128
    /// Longest actor identity.
    public static let maxActorBytes = 1024
    /// Longest string field value.
    public static let maxStringValueBytes = 16 * 1024
    /// Most fields in one event.
    public static let maxFieldCount = 64

    public var type: AuditEventType
    /// The acting identity, e.g. `spiffe://warden.local/team/research/user/alice`, or `warden` for the server itself.
    public var actor: String
    public var fields: [String: AuditFieldValue]

    public init(type: AuditEventType, actor: String, fields: [String: AuditFieldValue] = [:]) {
        self.type = type
        self.actor = actor
        self.fields = fields
    }

    /// Checks the limits and name syntax documented in AUDIT-FORMAT.md; called by `AuditLog.append`.
    public func validate() throws(AuditError) {
        guard Self.isValidName(type.rawValue) else {
            throw AuditError(.invalidEvent, "event type must be 1-128 characters of a-z 0-9 . _ -")
        }
        guard actor.utf8.count <= Self.maxActorBytes else {
            throw AuditError(.invalidEvent, "actor is longer than \(Self.maxActorBytes) bytes")
        }
        guard fields.count <= Self.maxFieldCount else {
            throw AuditError(.invalidEvent, "more than \(Self.maxFieldCount) fields")
        }
        for (name, value) in fields {
            guard Self.isValidName(name) else {
                throw AuditError(.invalidEvent, "field names must be 1-128 characters of a-z 0-9 . _ -")
            }
            if case .string(let s) = value, s.utf8.count > Self.maxStringValueBytes {
                throw AuditError(.invalidEvent, "a string field is longer than \(Self.maxStringValueBytes) bytes")
            }
        }
    }

    /// Names are restricted to ASCII so that byte order, Unicode equivalence and case folding can
    /// never make two distinct names look alike.
    static func isValidName(_ name: String) -> Bool {
        let bytes = name.utf8
        guard !bytes.isEmpty, bytes.count <= maxNameBytes else { return false }
        return bytes.allSatisfy { b in
            (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x5F || b == 0x2D
        }
    }
}
