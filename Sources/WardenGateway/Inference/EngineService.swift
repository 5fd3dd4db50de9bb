import Foundation
import Logging
import WardenEngine

/// The loaded model with its tokenizer and chat template, and the engine that runs it.
///
/// Generation runs on the engine's own thread; this type turns OpenAI sampling options into engine parameters,
/// renders chat messages with the model's template and decodes tokens into text as they arrive.
public final class EngineService: Sendable {
    public let engine: InferenceEngine
    let tokenizer: Tokenizer
    /// Nil when the model's file names no chat template Warden recognises: then only `/v1/completions` serves it.
    let template: ChatTemplate?
    public let entry: ModelCatalog.Entry

    /// How long a request may take, queueing included.
    let requestTimeout: Duration

    /// Loads the GGUF model `settings.modelPath` names and starts its batching engine; the id clients use defaults to
    /// the file name without its extension.
    public init(settings: WardenConfiguration.Engine, logger: Logger) throws {
        guard let modelPath = settings.modelPath else {
            throw ConfigurationError("engine.model: no model file is configured")
        }
        let start = ContinuousClock.now
        let model = try LanguageModel.load(path: modelPath)
        tokenizer = try Tokenizer(gguf: model.file)
        do {
            template = try ChatTemplate(gguf: model.file)
        } catch {
            template = nil
            logger.warning("model has no recognised chat template; /v1/chat/completions will refuse it", metadata: ["reason": "\(error.code)"])
        }
        engine = InferenceEngine(model: model, configuration: Self.engineConfiguration(settings, model: model))
        requestTimeout = .seconds(settings.requestTimeoutSeconds)
        let id = settings.modelID ?? URL(fileURLWithPath: modelPath).deletingPathExtension().lastPathComponent
        entry = ModelCatalog.Entry(
            id: id, contextLength: engine.contextCapacity, sensitivity: settings.sensitivity,
            created: Int(Date().timeIntervalSince1970))
        let metrics = engine.metrics()
        logger.notice(
            "model loaded",
            metadata: [
                "model": "\(id)", "architecture": "\(model.architecture)", "context": "\(engine.contextCapacity)",
                "backend": "\(engine.backendName)", "seconds": "\((ContinuousClock.now - start).components.seconds)",
                "kv_cache_mib": "\(metrics.kvCacheBytes >> 20)", "max_running_sequences": "\(settings.maxRunningSequences)",
            ])
    }

    /// The engine's settings from the gateway's (`kv_cache_mib` 0 leaves the cache size to the engine's default).
    static func engineConfiguration(_ settings: WardenConfiguration.Engine, model: LanguageModel) -> EngineConfiguration {
        let context = max(1, min(settings.contextLength, model.contextLength))
        let kvBytes = settings.kvCacheMiB > 0 ? settings.kvCacheMiB << 20 : nil
        return EngineConfiguration(
            threads: settings.threads > 0 ? settings.threads : nil, contextCapacity: context, kvCacheBytes: kvBytes,
            maxQueuedRequests: settings.maxQueuedRequests, maxRunningSequences: settings.maxRunningSequences,
            maxBatchTokens: settings.maxBatchTokens, prefixCaching: settings.prefixCaching)
    }

    /// Token ids of a chat conversation rendered with the model's template, ending with the assistant's turn.
    func promptTokens(for messages: [ChatCompletionRequest.Message]) throws(OpenAIError) -> [Int32] {
        var chat: [ChatMessage] = []
        for message in messages {
            let role: ChatMessage.Role
            switch message.role {
            case "system", "developer": role = .system
            case "assistant": role = .assistant
            case "tool": role = .user
            default: role = .user
            }
            chat.append(ChatMessage(role: role, content: message.content))
        }
        guard let template else {
            throw .invalidRequest(
                "This model has no chat template; use /v1/completions with a raw prompt.", param: "model",
                code: "no_chat_template")
        }
        do {
            return tokenizer.encode(try template.render(chat, addGenerationPrompt: true))
        } catch {
            throw .invalidRequest("The messages cannot be rendered for this model: \(error.code).", param: "messages")
        }
    }

    /// Token ids of a raw text prompt, with BOS as the model's metadata asks.
    func promptTokens(for text: String) -> [Int32] {
        tokenizer.encode(text, addSpecialTokens: true, parseSpecial: false)
    }

    /// Engine parameters for a request, after checking that the prompt leaves room to generate.
    func parameters(for options: SamplingOptions, promptCount: Int) throws(OpenAIError) -> SamplingParameters {
        let room = engine.contextCapacity - promptCount
        guard room > 0 else {
            throw .invalidRequest(
                "This model's context holds \(engine.contextCapacity) tokens; the prompt has \(promptCount).",
                param: "messages", code: "context_length_exceeded")
        }
        var stopIDs = template?.stopTokenIDs(using: tokenizer) ?? []
        stopIDs.formUnion(tokenizer.endOfGenerationTokenIDs)
        return SamplingParameters(
            maxTokens: min(options.maxTokens ?? room, room), temperature: Float(options.temperature),
            topK: options.topK ?? 0, topP: Float(max(options.topP, 1e-6)),
            seed: options.seed.map { UInt64(bitPattern: Int64($0)) } ?? UInt64.random(in: 0...UInt64.max),
            stopTokenIDs: stopIDs, minP: Float(options.minP), presencePenalty: Float(options.presencePenalty),
            frequencyPenalty: Float(options.frequencyPenalty), logprobs: options.logprobs ? options.topLogprobs : nil)
    }

    /// False while a new request would get 429: every free place in the batch is spoken for and the waiting queue
    /// is full (the engine's admission rule).
    var acceptsWork: Bool {
        let load = engine.metrics()
        let configuration = engine.configuration
        let freePlaces = max(0, configuration.maxRunningSequences - load.runningSequences)
        return load.queuedRequests < configuration.maxQueuedRequests + freePlaces
    }

    /// Queues a generation with the engine. Fails at once, before any response header is sent, when the engine's
    /// queue is full (429 with Retry-After) or the request cannot run. Cached prompt prefixes are shared only within
    /// `cacheScope` (the caller's team), so no team can learn from response timing what another team asked.
    func start(prompt: [Int32], parameters: SamplingParameters, cacheScope: String) throws(OpenAIError) -> Generation {
        do {
            let events = try engine.submit(
                prompt: prompt, parameters: parameters, deadline: .now + requestTimeout, prefixCacheScope: cacheScope)
            return Generation(events: events, prompt: prompt, wantsLogprobs: parameters.logprobs != nil)
        } catch {
            throw Self.openAIError(error)
        }
    }

    /// A queued generation, consumed once by `run`.
    struct Generation: Sendable {
        let events: AsyncThrowingStream<GenerationEvent, any Error>
        let prompt: [Int32]
        let wantsLogprobs: Bool
    }

    /// Consumes a generation, calling `onText` with each piece of text that is safe to release (stop strings held
    /// back) and the log-probabilities of the tokens that piece completes (nil when not asked for). `onText` throws
    /// to abandon the generation (the client went away); ending the stream early cancels the engine's sequence.
    func run(
        _ generation: Generation, stops: [String], onText: (String, [TokenLogprobs]?) async throws -> Void
    ) async throws -> GenerationOutcome {
        var decoder = tokenizer.makeStreamingDecoder()
        var scanner = StopStringScanner(stops: stops)
        var text = ""
        var summary: GenerationSummary?
        var generated = 0
        var pending: [TokenLogprobs] = []
        var released: [TokenLogprobs]? = generation.wantsLogprobs ? [] : nil
        func release(_ piece: String) async throws {
            guard !piece.isEmpty else { return }
            text += piece
            let entries = released == nil ? nil : pending
            released?.append(contentsOf: pending)
            pending.removeAll()
            try await onText(piece, entries)
        }
        do {
            for try await event in generation.events {
                switch event {
                case .token(let token):
                    generated += 1
                    if generation.wantsLogprobs { pending.append(logprobs(of: token)) }
                    try await release(scanner.append(decoder.append(token.id)))
                case .finished(let finished):
                    summary = finished
                }
                if scanner.stopped { break }
            }
        } catch let error as EngineError {
            throw Self.openAIError(error)
        }
        if !scanner.stopped {
            try await release(scanner.append(decoder.finish()) + scanner.finish())
        }
        // Tokens of a stop string (or undecodable bytes at the very end) released no text: their entries are dropped
        // with the text they would have carried.
        let reason: String
        if scanner.stopped {
            reason = "stop"
        } else {
            reason = summary?.finishReason == .stop ? "stop" : "length"
        }
        return GenerationOutcome(
            text: text, promptTokens: generation.prompt.count, completionTokens: summary?.generatedTokens ?? generated,
            finishReason: reason, promptSeconds: summary?.promptSeconds ?? 0,
            generationSeconds: summary?.generationSeconds ?? 0, cachedPromptTokens: summary?.cachedPromptTokens ?? 0,
            logprobs: released, timeToFirstToken: summary?.timeToFirstToken ?? 0)
    }

    /// A generated token's log-probabilities with the text and bytes of each candidate.
    private func logprobs(of token: GeneratedToken) -> TokenLogprobs {
        func candidate(_ id: Int32, _ logprob: Float?) -> TokenLogprobs.Candidate {
            let bytes = tokenizer.pieceBytes(id)
            return .init(token: String(decoding: bytes, as: UTF8.self), bytes: bytes, logprob: Double(logprob ?? 0))
        }
        return TokenLogprobs(
            chosen: candidate(token.id, token.logprob), top: token.topLogprobs.map { candidate($0.id, $0.logprob) })
    }

    /// The client-facing error for an engine failure; details stay in the server's log.
    static func openAIError(_ error: EngineError) -> OpenAIError {
        switch error.code {
        case .queueFull:
            return .engineBusy(retryAfterSeconds: max(1, error.retryAfterSeconds ?? 1))
        case .deadlineExceeded:
            return .requestTimedOut
        case .invalidRequest, .contextFull:
            return .invalidRequest("The request cannot be run by this model: \(error.code).", code: "invalid_prompt")
        case .shutDown:
            return .noModelLoaded
        default:
            return .internalError
        }
    }
}
