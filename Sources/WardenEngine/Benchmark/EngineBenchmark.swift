import CWardenKernels
import Foundation

/// Measures the engine the way llama-bench does: prompt processing of a batch of tokens, then generation of tokens
/// one at a time, plus this machine's memory read bandwidth and the resulting ceiling for generation speed.
public struct EngineBenchmark: Sendable {
    public struct Result: Sendable {
        public var promptTokens: Int
        public var promptTokensPerSecond: Double
        public var generatedTokens: Int
        public var generationTokensPerSecond: Double
        /// Weight bytes read per generated token.
        public var bytesPerToken: Int
        /// Measured read bandwidth, bytes per second.
        public var readBandwidth: Double
        /// Generation tokens/s if every weight byte had to come from memory at `readBandwidth`.
        public var ceilingTokensPerSecond: Double { bytesPerToken > 0 ? readBandwidth / Double(bytesPerToken) : 0 }
        /// Peak resident memory of this process, bytes.
        public var peakResidentBytes: Int
        public var backend: String
    }

    public let model: LanguageModel
    public let threads: Int?

    public init(model: LanguageModel, threads: Int? = nil) {
        self.model = model
        self.threads = threads
    }

    /// Runs `repetitions` rounds of a `promptTokens` prefill and a `generatedTokens` generation (random token ids
    /// with a fixed seed, as llama-bench uses) and keeps the mean speeds.
    public func run(promptTokens: Int = 512, generatedTokens: Int = 128, repetitions: Int = 3) throws(EngineError)
        -> Result
    {
        let engine = InferenceEngine(
            model: model,
            configuration: EngineConfiguration(
                threads: threads, contextCapacity: promptTokens + generatedTokens + 1, prefillChunk: promptTokens))
        var rng = SamplingRandomGenerator(seed: 42)
        let vocabulary = model.hyperparameters.vocabularySize
        let prompt = (0..<promptTokens).map { _ in Int32(rng.next() % UInt64(vocabulary)) }
        // Warm-up: page in the weights and the scratch buffers.
        let warm = engine.makeCacheSlot()
        _ = try engine.forward([SequenceStep(tokens: Array(prompt.prefix(16)), slot: warm)])
        var promptSeconds = 0.0, generationSeconds = 0.0
        for _ in 0..<repetitions {
            let slot = engine.makeCacheSlot()
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try engine.forward([SequenceStep(tokens: prompt, slot: slot)])
            promptSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let generationSlot = engine.makeCacheSlot()
            var token = prompt[0]
            let genStart = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<generatedTokens {
                let logits = try engine.forward([SequenceStep(tokens: [token], slot: generationSlot)])[0] ?? []
                token = Int32(TokenSampler.argmax(logits))
            }
            generationSeconds += Double(DispatchTime.now().uptimeNanoseconds - genStart) / 1e9
        }
        // Peak memory is read before the bandwidth test, whose buffer would otherwise count.
        let peak = Self.peakResidentBytes
        let bandwidth = Self.measureReadBandwidth(threads: threads)
        return Result(
            promptTokens: promptTokens,
            promptTokensPerSecond: Double(promptTokens * repetitions) / promptSeconds,
            generatedTokens: generatedTokens,
            generationTokensPerSecond: Double(generatedTokens * repetitions) / generationSeconds,
            bytesPerToken: model.bytesReadPerToken, readBandwidth: bandwidth,
            peakResidentBytes: peak, backend: engine.backendName)
    }

    /// Best read rate over a 512 MiB buffer (well beyond any cache), bytes per second.
    public static func measureReadBandwidth(threads: Int?) -> Double {
        let pool = wk_pool_create(Int32(threads ?? CPUBackend.defaultThreadCount))
        defer { wk_pool_destroy(pool) }
        return wk_measure_read_bandwidth(pool, 512 << 20, 5)
    }

    /// Peak resident set size of this process (Linux `VmHWM`), bytes; 0 where unavailable.
    public static var peakResidentBytes: Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return digits * 1024
        }
        return 0
    }
}
