import ArgumentParser
import Foundation
import WardenEngine

/// `warden bench-engine`: prompt-processing and generation speed of the engine on a model, the bandwidth ceiling for
/// generation on this machine, peak memory, and llama.cpp's `llama-bench` on the same file when a build is given.
struct EngineBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-engine",
        abstract: "Benchmark the inference engine (pp512, tg128) against the memory-bandwidth ceiling and llama.cpp.")

    @Option(help: "Path of the GGUF model file.")
    var model: String

    @Option(help: "Compute threads (default: one per core).")
    var threads: Int?

    @Option(name: .customLong("llama-cpp"), help: "A llama.cpp build folder holding llama-bench (bin/ or build/bin/).")
    var llamaCpp: String?

    @Option(help: "Rounds to average.")
    var repetitions = 3

    func validate() throws {
        if let threads, !(1...256).contains(threads) { throw ValidationError("--threads must be in 1...256") }
        guard (1...20).contains(repetitions) else { throw ValidationError("--repetitions must be in 1...20") }
    }

    func run() throws {
        let loaded: LanguageModel
        do { loaded = try LanguageModel.load(path: model) } catch {
            throw ValidationError("cannot load the model: \(error)")
        }
        let result = try EngineBenchmark(model: loaded, threads: threads).run(repetitions: repetitions)
        let mb = { (bytes: Double) in String(format: "%.1f MB", bytes / 1e6) }
        print("model: \(loaded.name) (\(loaded.architecture.rawValue)), \(result.backend)")
        print(String(format: "warden   pp%d: %8.1f tokens/s", result.promptTokens, result.promptTokensPerSecond))
        print(String(format: "warden   tg%d: %8.1f tokens/s", result.generatedTokens, result.generationTokensPerSecond))
        print(String(
            format: "ceiling  tg:    %8.1f tokens/s  (%@ read per token ÷ %.2f GB/s measured read bandwidth); warden at %.0f%%",
            result.ceilingTokensPerSecond, mb(Double(result.bytesPerToken)), result.readBandwidth / 1e9,
            100 * result.generationTokensPerSecond / max(result.ceilingTokensPerSecond, 1e-9)))
        print("peak RSS: \(mb(Double(result.peakResidentBytes)))")
        guard let llamaCpp else {
            print("llama.cpp: not measured in this run (pass --llama-cpp DIR with a build holding llama-bench)")
            return
        }
        let threadCounts = threads.map { [$0] } ?? Array(1...ProcessInfo.processInfo.activeProcessorCount)
        let results: [LlamaBenchResult]
        do { results = try LlamaCppPeer(folder: llamaCpp).bench(model: model, threads: threadCounts) } catch {
            throw ValidationError("\(error)")
        }
        for result in results {
            print(String(format: "llama.cpp %@ (%d threads): %8.1f tokens/s (± %.1f)", result.test, result.threads,
                         result.tokensPerSecond, result.standardDeviation))
        }
    }
}
