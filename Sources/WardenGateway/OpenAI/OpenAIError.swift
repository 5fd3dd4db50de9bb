import Foundation
import HTTPTypes
import Hummingbird

/// An error in OpenAI's wire shape: `{"error":{"message","type","param","code"}}` with the matching HTTP status.
///
/// The only error type that reaches clients; everything else is mapped to one of these in ``ErrorMiddleware``,
/// so internal details (file paths, rule internals, stack traces) never leave the process.
public struct OpenAIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var message: String
    public var type: String
    public var param: String?
    public var code: String?
    /// Seconds a client should wait before retrying (429, 503).
    public var retryAfterSeconds: Int?

    public init(
        status: HTTPResponse.Status, message: String, type: String, param: String? = nil, code: String? = nil,
        retryAfterSeconds: Int? = nil
    ) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.retryAfterSeconds = retryAfterSeconds
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: jsonBody())))
    }

    /// The JSON body, with explicit nulls as OpenAI sends them.
    public func jsonBody() -> [UInt8] {
        var json = JSONWriter()
        json.object {
            $0.field("error") {
                $0.object {
                    $0.field("message", message)
                    $0.field("type", type)
                    $0.field("param", param)
                    $0.field("code", code)
                }
            }
        }
        return json.bytes
    }
}

extension OpenAIError {
    static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil) -> OpenAIError {
        OpenAIError(status: .badRequest, message: message, type: "invalid_request_error", param: param, code: code)
    }

    static func modelNotFound(_ model: String) -> OpenAIError {
        OpenAIError(
            status: .notFound, message: "The model '\(model)' does not exist or you do not have access to it.",
            type: "invalid_request_error", param: "model", code: "model_not_found")
    }

    static let noModelLoaded = OpenAIError(
        status: .serviceUnavailable, message: "No model is loaded on this gateway.", type: "server_error",
        code: "no_model_loaded", retryAfterSeconds: 30)

    static let forbidden = OpenAIError(
        status: .forbidden, message: "You are not allowed to perform this request.", type: "permission_error",
        code: "access_denied")

    static func bodyTooLarge(limit: Int) -> OpenAIError {
        OpenAIError(
            status: .contentTooLarge, message: "Request body exceeds the limit of \(limit) bytes.",
            type: "invalid_request_error", code: "request_too_large")
    }

    /// The engine's waiting queue is full: the gateway sheds load instead of queueing without bound.
    static func engineBusy(retryAfterSeconds: Int) -> OpenAIError {
        OpenAIError(
            status: .tooManyRequests,
            message: "The model is serving as many requests as it can queue; retry after \(retryAfterSeconds) seconds.",
            type: "rate_limit_error", code: "engine_overloaded", retryAfterSeconds: retryAfterSeconds)
    }

    /// The request's `engine.request_timeout_seconds` passed before the model produced anything.
    static let requestTimedOut = OpenAIError(
        status: .serviceUnavailable, message: "The request timed out waiting for the model; retry later.",
        type: "server_error", code: "request_timeout", retryAfterSeconds: 5)

    static let internalError = OpenAIError(
        status: .internalServerError, message: "The server had an error while processing your request.",
        type: "server_error", code: "internal_error")

    static let auditUnavailable = OpenAIError(
        status: .serviceUnavailable, message: "The request cannot be served because it cannot be audited right now.",
        type: "server_error", code: "audit_unavailable", retryAfterSeconds: 5)
}
