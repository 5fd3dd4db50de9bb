import HTTPTypes
import Hummingbird

/// `POST /v1/chat/completions` and `POST /v1/completions`.
///
/// Validates the whole request (400 with the offending parameter), checks the model (404), then hands it to the
/// inference backend; with no model loaded it answers 503 — never a made-up completion.
struct CompletionsController {
    let catalog: ModelCatalog
    let backend: (any CompletionBackend)?

    func register(with router: Router<WardenRequestContext>) {
        router.post("/v1/chat/completions") { request, context in
            let chat = try ChatCompletionRequest(json: JSONValue.parse(context.body ?? []))
            let entry = try checkModel(chat.model, maxTokens: chat.sampling.maxTokens)
            guard let backend else { throw OpenAIError.noModelLoaded }
            return try await backend.chatCompletion(chat, model: entry, request: request, context: context)
        }
        router.post("/v1/completions") { request, context in
            let completion = try CompletionRequest(json: JSONValue.parse(context.body ?? []))
            let entry = try checkModel(completion.model, maxTokens: completion.sampling.maxTokens)
            guard let backend else { throw OpenAIError.noModelLoaded }
            return try await backend.completion(completion, model: entry, request: request, context: context)
        }
    }

    func checkModel(_ id: String, maxTokens: Int?) throws(OpenAIError) -> ModelCatalog.Entry {
        guard let entry = catalog.model(id: id) else {
            if backend == nil, catalog.entries.isEmpty { throw OpenAIError.noModelLoaded }
            throw OpenAIError.modelNotFound(id)
        }
        if let maxTokens, maxTokens >= entry.contextLength {
            throw OpenAIError.invalidRequest(
                "Invalid 'max_tokens': \(maxTokens) exceeds this model's context length of \(entry.contextLength) tokens.",
                param: "max_tokens", code: "invalid_value")
        }
        return entry
    }
}

/// What serves completions: the embedded engine. Kept as a protocol so the HTTP layer does not depend on how
/// generation is scheduled.
public protocol CompletionBackend: Sendable {
    func chatCompletion(
        _ request: ChatCompletionRequest, model: ModelCatalog.Entry, request httpRequest: Request,
        context: WardenRequestContext
    ) async throws -> Response
    func completion(
        _ request: CompletionRequest, model: ModelCatalog.Entry, request httpRequest: Request,
        context: WardenRequestContext
    ) async throws -> Response
}
