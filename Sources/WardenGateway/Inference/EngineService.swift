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

    /// Loads a GGUF model; the id clients use defaults to the file name without its extension.
    public init(
        modelPath: String, modelID: String?, sensitivity: Int, threads: Int, contextLength: Int, logger: Logger
    ) throws {
        let start = ContinuousClock.now
        let model = try LanguageModel.load(path: modelPath)
        tokenizer = try Tokenizer(gguf: model.file)
        do {
            template = try ChatTemplate(gguf: model.file)
        } catch {
            template = nil
            logger.warning("model has no recognised chat template; /v1/chat/completions will refuse it", metadata: ["reason": "\(error.code)"])
        }
        let capacity = min(contextLength, model.contextLength)
        engine = InferenceEngine(
            model: model,
            configuration: EngineConfiguration(threads: threads > 0 ? threads : nil, contextCapacity: capacity))
        let id = modelID ?? URL(fileURLWithPath: modelPath).deletingPathExtension().lastPathComponent
        entry = ModelCatalog.Entry(
            id: id, contextLength: engine.contextCapacity, sensitivity: sensitivity,
            created: Int(Date().timeIntervalSince1970))
        logger.notice(
            "model loaded",
            metadata: [
                "model": "\(id)", "architecture": "\(model.architecture)", "context": "\(engine.contextCapacity)",
                "backend": "\(engine.backendName)", "seconds": "\((ContinuousClock.now - start).components.seconds)",
            ])
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
        for (name, unsupported) in [
            ("presence_penalty", options.presencePenalty != 0), ("frequency_penalty", options.frequencyPenalty != 0),
            ("min_p", options.minP != 0), ("logprobs", options.logprobs),
        ] where unsupported {
            throw .invalidRequest(
                "'\(name)' is not supported by this gateway's engine yet.", param: name, code: "unsupported_parameter")
        }
        var stopIDs = template?.stopTokenIDs(using: tokenizer) ?? []
        stopIDs.formUnion(tokenizer.endOfGenerationTokenIDs)
        return SamplingParameters(
            maxTokens: min(options.maxTokens ?? room, room), temperature: Float(options.temperature),
            topK: options.topK ?? 0, topP: Float(max(options.topP, 1e-6)),
            seed: options.seed.map { UInt64(bitPattern: Int64($0)) } ?? UInt64.random(in: 0...UInt64.max),
            stopTokenIDs: stopIDs)
    }

    /// Runs one generation, calling `onText` with each piece of text that is safe to release (stop strings held
    /// back). `onText` throws to abandon the generation (the client went away).
    func generate(
        prompt: [Int32], parameters: SamplingParameters, stops: [String],
        onText: (String) async throws -> Void
    ) async throws -> GenerationOutcome {
        var decoder = tokenizer.makeStreamingDecoder()
        var scanner = StopStringScanner(stops: stops)
        var text = ""
        var summary: GenerationSummary?
        var generated = 0
        for try await event in engine.generate(prompt: prompt, parameters: parameters) {
            switch event {
            case .token(let token):
                generated += 1
                let piece = scanner.append(decoder.append(token.id))
                if !piece.isEmpty {
                    text += piece
                    try await onText(piece)
                }
                if scanner.stopped { break }
            case .finished(let finished):
                summary = finished
            }
            if scanner.stopped { break }
        }
        if !scanner.stopped {
            let rest = scanner.append(decoder.finish()) + scanner.finish()
            if !rest.isEmpty {
                text += rest
                try await onText(rest)
            }
        }
        let reason: String
        if scanner.stopped {
            reason = "stop"
        } else {
            reason = summary?.finishReason == .stop ? "stop" : "length"
        }
        return GenerationOutcome(
            text: text, promptTokens: prompt.count, completionTokens: summary?.generatedTokens ?? generated,
            finishReason: reason, promptSeconds: summary?.promptSeconds ?? 0,
            generationSeconds: summary?.generationSeconds ?? 0)
    }
}
