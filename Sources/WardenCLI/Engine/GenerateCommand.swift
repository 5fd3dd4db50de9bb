import ArgumentParser
import Foundation
import WardenEngine

/// `warden generate`: runs a local GGUF model on a prompt and streams only the generated text to stdout; loading
/// progress (on a terminal) and speeds go to stderr, so stdout can be piped.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text from a prompt with a local GGUF model (gemma3, llama, qwen2).")

    @Option(help: "Path of the GGUF model file.")
    var model: String

    @Option(help: "The prompt text.")
    var prompt: String

    @Flag(help: "Wrap the prompt as a user message in the model's chat template.")
    var chat = false

    @Option(name: .customLong("max-tokens"), help: "Most tokens to generate.")
    var maxTokens = 256

    @Option(help: "Sampling temperature; 0 picks the most likely token each step (greedy).")
    var temperature: Float = 0

    @Option(help: "Random seed for sampling (default: a random one).")
    var seed: UInt64?

    @Option(help: "Compute threads (default: one per core).")
    var threads: Int?

    func validate() throws {
        guard maxTokens >= 0 else { throw ValidationError("--max-tokens must not be negative") }
        guard temperature.isFinite, temperature >= 0 else { throw ValidationError("--temperature must be ≥ 0") }
        if let threads, !(1...256).contains(threads) { throw ValidationError("--threads must be in 1...256") }
    }

    func run() throws {
        let showProgress = isatty(STDERR_FILENO) != 0
        let loaded: LanguageModel
        do {
            loaded = try LanguageModel.load(path: model) { progress in
                guard showProgress else { return }
                let percent = Int(progress.fraction * 100)
                FileHandle.standardError.write(Data("\rLoading model… \(percent)%".utf8))
            }
        } catch {
            throw ValidationError("cannot load the model: \(error)")
        }
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }

        let tokenizer: Tokenizer
        do { tokenizer = try Tokenizer(gguf: loaded.file) } catch {
            throw ValidationError("cannot build the tokenizer: \(error)")
        }
        var stopTokens = tokenizer.endOfGenerationTokenIDs
        let ids: [Int32]
        if chat {
            let template: ChatTemplate
            do { template = try ChatTemplate(gguf: loaded.file) } catch {
                throw ValidationError("cannot use the chat template: \(error)")
            }
            let rendered = try template.render([ChatMessage(role: .user, content: prompt)], addGenerationPrompt: true)
            // Control tokens are parsed only in the template's own markup, never in the user's text.
            ids = tokenizer.encode(rendered)
            stopTokens.formUnion(template.stopTokenIDs(using: tokenizer))
        } else {
            // As llama.cpp's tools do: BOS per the model's metadata, special-token text in the prompt parsed.
            ids = tokenizer.encode(prompt, addSpecialTokens: true, parseSpecial: true)
        }

        let engine = InferenceEngine(model: loaded, configuration: EngineConfiguration(threads: threads))
        let parameters = SamplingParameters(
            maxTokens: maxTokens, temperature: temperature, seed: seed ?? UInt64.random(in: 0...UInt64.max),
            stopTokenIDs: stopTokens)
        let output = StreamingTextOutput(tokenizer: tokenizer)
        let summary = try engine.generate(prompt: ids, parameters: parameters) { token in
            output.append(token.id)
            return true
        }
        output.finish()
        let report = String(
            format: "\nprompt: %d tokens, %.1f tokens/s; generation: %d tokens, %.1f tokens/s (%@, %@)\n",
            summary.promptTokens, summary.promptTokensPerSecond, summary.generatedTokens,
            summary.generationTokensPerSecond, summary.finishReason.rawValue, engine.backendName)
        FileHandle.standardError.write(Data(report.utf8))
    }
}

/// Writes decoded text to stdout as tokens arrive, holding back incomplete UTF-8 characters.
private final class StreamingTextOutput: @unchecked Sendable {
    private var decoder: StreamingDecoder
    private let lock = NSLock()

    init(tokenizer: Tokenizer) { decoder = tokenizer.makeStreamingDecoder() }

    func append(_ id: Int32) {
        let text = lock.withLock { decoder.append(id) }
        if !text.isEmpty { FileHandle.standardOutput.write(Data(text.utf8)) }
    }

    func finish() {
        let text = lock.withLock { decoder.finish() }
        if !text.isEmpty { FileHandle.standardOutput.write(Data(text.utf8)) }
    }
}
