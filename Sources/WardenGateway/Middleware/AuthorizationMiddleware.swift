import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import WardenPKI

/// Decides every request before any route code runs: deny by default, fail closed.
///
/// The subject comes only from the verified client certificate (never from a header). The object is the
/// canonical path plus, for the completion routes, the model named in the body, which is therefore read here
/// (within the size limit) and handed on in the context.
struct AuthorizationMiddleware: RouterMiddleware {
    typealias Context = WardenRequestContext

    let identities: PeerIdentityRegistry
    let policy: PolicyService
    let recorder: RequestRecorder
    let catalog: ModelCatalog
    let clearanceAttribute: String
    let maxBodyBytes: Int
    let metrics: GatewayMetrics
    let logger: Logger

    /// Routes whose object includes the model named in the JSON body.
    static let modelRoutes: Set<String> = ["/v1/chat/completions", "/v1/completions"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        guard let identity = identities.identity(for: context.channel) else {
            // The handshake proved an identity or the connection would not exist; its absence is a bug: fail closed.
            logger.error("request without a recorded peer identity", metadata: ["request_id": "\(context.requestID)"])
            throw OpenAIError.forbidden
        }
        context.identity = identity
        let path = try CanonicalPath.validate(request.uri)
        var model = ""
        var sensitivity = 0
        if request.method == .post, Self.modelRoutes.contains(path) {
            let body = try await Self.collectBody(request, limit: maxBodyBytes)
            context.body = body
            if case .object(let fields) = try JSONValue.parse(body), case .string(let name)? = fields["model"] {
                model = name
            }
            // An unknown model has no label; the policy still decides on its name (a team not cleared for that
            // name is denied), and a caller who is cleared then learns it does not exist (404).
            sensitivity = catalog.model(id: model)?.sensitivity ?? 0
        } else if path.hasPrefix("/v1/models/") {
            model = String(path.dropFirst("/v1/models/".count))
            sensitivity = catalog.model(id: model)?.sensitivity ?? 0
        }
        let access = AccessRequest(
            identity: identity, clearance: Int(identity.attributes[clearanceAttribute] ?? "") ?? 0,
            clientAddress: Self.address(of: context.channel), path: path, model: model, sensitivity: sensitivity,
            method: request.method.rawValue)
        let decision = policy.decide(access)
        context.decision = decision
        metrics.policyDecision(allowed: decision.allowed)
        // Durable before anything else happens, allowed or not: no audit, no answer.
        try await recorder.recordDecision(requestID: context.requestID, access: access, decision: decision)
        if !decision.allowed {
            logger.notice(
                "request denied",
                metadata: ["request_id": "\(context.requestID)", "identity": "\(identity.subject)", "path": "\(path)"])
            throw OpenAIError.forbidden
        }
        return try await next(request, context)
    }

    static func collectBody(_ request: Request, limit: Int) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw OpenAIError.bodyTooLarge(limit: limit)
        }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw OpenAIError.bodyTooLarge(limit: limit)
        }
    }

    static func address(of channel: any Channel) -> String {
        guard let remote = channel.remoteAddress else { return "" }
        return remote.ipAddress ?? ""
    }
}
