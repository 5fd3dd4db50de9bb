import Foundation
import Testing
@testable import WardenEngine

@Suite("Inference engine API")
struct InferenceEngineTests {
    static func engine() throws -> InferenceEngine {
        let synthetic = try SyntheticModel(architecture: .qwen2, matrixType: .q8_0, seed: 21)
        let model = try LanguageModel(file: GGUFFile(bytes: synthetic.bytes))
        return InferenceEngine(model: model, configuration: EngineConfiguration(threads: 2, contextCapacity: 48))
    }

    @Test("streaming greedy generation yields the same tokens as the blocking call, then a summary")
    func streamMatchesBlockingCall() async throws {
        let engine = try Self.engine()
        let parameters = SamplingParameters(maxTokens: 12)
        let blocking = TokenCollector()
        let summary = try engine.generate(prompt: [1, 2, 3], parameters: parameters) { blocking.add($0.id); return true }
        var streamed: [Int32] = []
        var streamedSummary: GenerationSummary?
        for try await event in engine.generate(prompt: [1, 2, 3], parameters: parameters) {
            switch event {
            case .token(let token): streamed.append(token.id)
            case .finished(let s): streamedSummary = s
            }
        }
        #expect(streamed == blocking.ids)
        #expect(streamed.count == 12 && summary.finishReason == .length)
        #expect(streamedSummary?.generatedTokens == 12)
    }

    @Test("the same seed gives the same sampled tokens, and stop tokens end the generation")
    func seededSamplingIsReproducibleAndStops() throws {
        let engine = try Self.engine()
        let parameters = SamplingParameters(maxTokens: 16, temperature: 0.9, topK: 40, topP: 0.95, seed: 77)
        let first = TokenCollector(), second = TokenCollector()
        _ = try engine.generate(prompt: [4, 5], parameters: parameters) { first.add($0.id); return true }
        _ = try engine.generate(prompt: [4, 5], parameters: parameters) { second.add($0.id); return true }
        #expect(first.ids == second.ids)
        var stopping = parameters
        stopping.stopTokenIDs = [first.ids[3]]
        let stopped = TokenCollector()
        let summary = try engine.generate(prompt: [4, 5], parameters: stopping) { stopped.add($0.id); return true }
        #expect(summary.finishReason == .stop)
        #expect(!stopped.ids.contains(first.ids[3]))
    }

    @Test("returning false from the callback cancels after that token")
    func callbackCancels() throws {
        let engine = try Self.engine()
        let seen = TokenCollector()
        let summary = try engine.generate(prompt: [9], parameters: SamplingParameters(maxTokens: 30)) {
            seen.add($0.id)
            return seen.ids.count < 3
        }
        #expect(summary.finishReason == .cancelled && seen.ids.count == 3)
    }

    @Test("invalid requests fail with a stable error code")
    func invalidRequestsFail() throws {
        let engine = try Self.engine()
        #expect(throws: EngineError(.invalidRequest, "")) {
            try engine.generate(prompt: [], parameters: SamplingParameters()) { _ in true }
        }
        #expect(throws: EngineError(.invalidRequest, "")) {
            try engine.generate(prompt: [1], parameters: SamplingParameters(temperature: -1)) { _ in true }
        }
        #expect(throws: EngineError(.contextFull, "")) {
            try engine.generate(prompt: [Int32](repeating: 1, count: 60), parameters: SamplingParameters()) { _ in true }
        }
    }

    @Test("a file of an unsupported architecture is refused with a clear error")
    func unsupportedArchitectureIsRefused() throws {
        var writer = try GGUFWriter()
        writer.setValue(.string("mamba"), forKey: "general.architecture")
        let file = try GGUFFile(bytes: writer.serialized())
        #expect(throws: EngineError(.unsupportedArchitecture, "")) { try LanguageModel(file: file) }
    }
}

/// Collects token ids delivered on the engine's thread.
final class TokenCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int32] = []
    func add(_ id: Int32) { lock.withLock { values.append(id) } }
    var ids: [Int32] { lock.withLock { values } }
}
