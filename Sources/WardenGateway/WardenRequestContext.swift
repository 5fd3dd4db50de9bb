import HTTPTypes
import Hummingbird
import NIOCore
import WardenPKI

/// Per-request state: the connection (for the identity its handshake proved), the request id, and what the
/// authorization step learnt, so handlers never repeat it.
public struct WardenRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel
    /// Set by the edge middleware from `X-Request-Id` or generated.
    public var requestID = ""
    /// Set by the authorization middleware; every handler behind it may rely on it.
    public var identity: Identity?
    /// The request body, read once (within the size limit) by the authorization middleware for model routes.
    public var body: [UInt8]?
    /// The policy's decision for this request, for the audit record.
    public var decision: AccessDecision?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
