import HTTPTypes
import Hummingbird
import Logging
import WardenPKI

/// The outermost layer: gives every request an id, turns every error into an OpenAI-style response, and writes
/// one access-log line and the request metrics for every response, errors included.
///
/// Errors that are not ``OpenAIError`` become a generic 500 here, so no internal detail reaches a client.
struct EdgeMiddleware: RouterMiddleware {
    typealias Context = WardenRequestContext

    let metrics: GatewayMetrics
    let identities: PeerIdentityRegistry
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        var context = context
        if let supplied = request.headers[.requestID], RequestID.isSane(supplied) {
            context.requestID = supplied
        } else {
            context.requestID = RequestID.generate()
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = try Self.errorResponse(error, request: request, context: context, logger: logger)
        }
        response.headers[.requestID] = context.requestID
        let elapsed = ContinuousClock.now - start
        let route = RouteLabel.label(for: request.uri.path)
        metrics.requestCompleted(
            route: route, method: request.method.rawValue, status: response.status.code, duration: elapsed)
        let identity = identities.identity(for: context.channel)?.subject ?? "-"
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        logger.info(
            "request",
            metadata: [
                "request_id": "\(context.requestID)", "identity": "\(identity)", "method": "\(request.method.rawValue)",
                "route": "\(route)", "status": "\(response.status.code)",
                "latency_ms": "\((milliseconds * 100).rounded() / 100)",
            ])
        return response
    }

    static func errorResponse(_ error: any Error, request: Request, context: Context, logger: Logger) throws -> Response {
        let openAIError: OpenAIError
        switch error {
        case let error as OpenAIError:
            openAIError = error
        case let error as HTTPError where error.status == .notFound:
            openAIError = OpenAIError(
                status: .notFound, message: "Unknown request URL: \(request.method.rawValue) \(request.uri.path).",
                type: "invalid_request_error", code: "unknown_url")
        case let error as HTTPError where error.status == .methodNotAllowed:
            openAIError = OpenAIError(
                status: .methodNotAllowed, message: "Method \(request.method.rawValue) is not allowed here.",
                type: "invalid_request_error", code: "method_not_allowed")
        case let error as HTTPError where error.status == .contentTooLarge:
            openAIError = OpenAIError(
                status: .contentTooLarge, message: "Request body too large.", type: "invalid_request_error",
                code: "request_too_large")
        default:
            logger.error(
                "unhandled error", metadata: ["request_id": "\(context.requestID)", "error_type": "\(type(of: error))"])
            openAIError = .internalError
        }
        return try openAIError.response(from: request, context: context)
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
}
