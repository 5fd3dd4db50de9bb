/// The kind of an audit event: an open set of dotted lowercase names.
///
/// A struct rather than an enum so that new event types need no library change and old logs keep
/// verifying; the well-known types are provided as constants.
public struct AuditEventType: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    public static let requestDecided: AuditEventType = "request.decided"
    public static let requestCompleted: AuditEventType = "request.completed"
    public static let policyReloaded: AuditEventType = "policy.reloaded"
    public static let policyRejected: AuditEventType = "policy.rejected"
    public static let keyRotated: AuditEventType = "key.rotated"
    public static let keyRetired: AuditEventType = "key.retired"
    public static let keyRewrapped: AuditEventType = "key.rewrapped"
    public static let promptStored: AuditEventType = "prompt.stored"
    public static let promptRead: AuditEventType = "prompt.read"
    public static let promptShredded: AuditEventType = "prompt.shredded"
    public static let adminLogin: AuditEventType = "admin.login"
    public static let adminAction: AuditEventType = "admin.action"
    public static let serverStarted: AuditEventType = "server.started"
    public static let serverStopped: AuditEventType = "server.stopped"
}
