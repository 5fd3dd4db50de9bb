import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import WardenEngine
import WardenPKI

/// Serves completions with the embedded engine, whole or as Server-Sent Events ending in `data: [DONE]`.
///
/// A client that disconnects mid-stream makes the next write throw; that ends the generation loop, which cancels
/// the engine's work (Hummingbird does not cancel the handler task itself).
struct EngineCompletionBackend: CompletionBackend {
    let service: EngineService
    let recorder: RequestRecorder
    let logger: Logger
    /// Where times to first token are recorded; nil in tests that do not look at metrics.
    var metrics: GatewayMetrics?

    func chatCompletion(
        _ request: ChatCompletionRequest, model: ModelCatalog.Entry, request httpRequest: Request,
        context: WardenRequestContext
    ) async throws -> Response {
        let prompt = try service.promptTokens(for: request.messages)
        let promptText = request.messages.map { "\($0.role): \($0.content)" }.joined(separator: "\n")
        return try await respond(
            kind: .chat, prompt: prompt, promptText: promptText, sampling: request.sampling, stream: request.stream,
            includeUsage: request.includeUsageInStream, model: model, context: context)
    }

    func completion(
        _ request: CompletionRequest, model: ModelCatalog.Entry, request httpRequest: Request,
        context: WardenRequestContext
    ) async throws -> Response {
        let prompt = service.promptTokens(for: request.prompt)
        return try await respond(
            kind: .text, prompt: prompt, promptText: request.prompt, sampling: request.sampling, stream: request.stream,
            includeUsage: request.includeUsageInStream, model: model, context: context, echo: request.echo ? request.prompt : nil)
    }

    private func respond(
        kind: CompletionJSON.Kind, prompt: [Int32], promptText: String, sampling: SamplingOptions, stream: Bool,
        includeUsage: Bool, model: ModelCatalog.Entry, context: WardenRequestContext, echo: String? = nil
    ) async throws -> Response {
        let parameters = try service.parameters(for: sampling, promptCount: prompt.count)
        // Queued before any header is sent, so a full queue is a clean 429 even for a stream.
        // Without a proven team (never the case behind the authorization middleware) nothing is shared.
        let scope = context.identity.map { "team:" + $0.team } ?? "request:" + context.requestID
        let generation = try service.start(prompt: prompt, parameters: parameters, cacheScope: scope)
        let created = Int(Date().timeIntervalSince1970)
        let id = context.requestID
        let started = ContinuousClock.now
        let echoOffset = echo?.unicodeScalars.count ?? 0
        if !stream {
            var outcome = try await service.run(generation, stops: sampling.stop) { _, _ in }
            if let echo { outcome.text = echo + outcome.text }
            outcome.logprobsTextOffset = echoOffset
            if outcome.completionTokens > 0 { metrics?.engine.timeToFirstToken(outcome.timeToFirstToken) }
            try await recorder.recordCompletion(
                context: context, model: model.id, prompt: promptText, outcome: outcome, latency: ContinuousClock.now - started)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: CompletionJSON.complete(
                    kind: kind, id: id, created: created, model: model.id, outcome: outcome))))
        }
        let service = service
        let recorder = recorder
        let logger = logger
        let metrics = metrics
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                func send(_ bytes: [UInt8]) async throws {
                    var buffer = ByteBuffer(string: "data: ")
                    buffer.writeBytes(bytes)
                    buffer.writeString("\n\n")
                    try await writer.write(buffer)
                }
                if kind == .chat {
                    try await send(CompletionJSON.chunk(
                        kind: kind, id: id, created: created, model: model.id, text: "", role: true, finishReason: nil))
                }
                if let echo {
                    try await send(CompletionJSON.chunk(kind: kind, id: id, created: created, model: model.id, text: echo, finishReason: nil))
                }
                var offset = echoOffset
                let outcome: GenerationOutcome
                do {
                    outcome = try await service.run(generation, stops: sampling.stop) { piece, logprobs in
                        try await send(CompletionJSON.chunk(
                            kind: kind, id: id, created: created, model: model.id, text: piece, finishReason: nil,
                            logprobs: logprobs, textOffset: offset))
                        offset += piece.unicodeScalars.count
                    }
                } catch let error as OpenAIError {
                    // Headers are gone: the error travels as an event, and the stream ends without [DONE].
                    logger.notice("stream ended early", metadata: ["request_id": "\(id)", "code": "\(error.code ?? "")"])
                    try await send(error.jsonBody())
                    try await writer.finish(nil)
                    return
                } catch {
                    logger.notice("stream ended early", metadata: ["request_id": "\(id)", "error_type": "\(type(of: error))"])
                    throw error
                }
                if outcome.completionTokens > 0 { metrics?.engine.timeToFirstToken(outcome.timeToFirstToken) }
                // The completion is audited before the stream is declared complete; if that fails the client
                // gets an error event instead of [DONE].
                do {
                    try await recorder.recordCompletion(
                        context: context, model: model.id, prompt: promptText, outcome: outcome,
                        latency: ContinuousClock.now - started)
                } catch {
                    try await send(OpenAIError.auditUnavailable.jsonBody())
                    try await writer.finish(nil)
                    return
                }
                try await send(CompletionJSON.chunk(
                    kind: kind, id: id, created: created, model: model.id, text: kind == .chat ? nil : "",
                    finishReason: outcome.finishReason, logprobs: parameters.logprobs == nil ? nil : []))
                if includeUsage {
                    try await send(CompletionJSON.usageChunk(kind: kind, id: id, created: created, model: model.id, outcome: outcome))
                }
                try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                try await writer.finish(nil)
            })
    }
}
