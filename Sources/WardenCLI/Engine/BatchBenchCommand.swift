import ArgumentParser
import Foundation
import WardenEngine

/// `warden bench-batch`: aggregate throughput and time to first token of the engine serving 1, 4, 8, 16 and 32
/// concurrent streams (issue 7), beside llama.cpp's batched figures when a build is given.
struct BatchBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-batch",
        abstract: "Benchmark continuous batching: aggregate tokens/s and time to first token for N concurrent streams.")

    @Option(help: "Path of the GGUF model file.")
    var model: String

    @Option(help: "Comma-separated numbers of concurrent streams.")
    var streams = "1,4,8,16,32"

    @Option(name: .customLong("prompt-tokens"), help: "Prompt tokens per stream (random, distinct per stream).")
    var promptTokens = 128

    @Option(help: "Tokens generated per stream (stop tokens ignored).")
    var generate = 128

    @Option(help: "Compute threads (default: one per core).")
    var threads: Int?

    @Flag(help: "Also time one decoding step per stream count, with and without the output layer.")
    var breakdown = false

    @Option(name: .customLong("llama-cpp"), help: "A llama.cpp build folder (llama-batched-bench, llama-server).")
    var llamaCpp: String?

    var streamCounts: [Int] { streams.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        let counts = streamCounts
        guard !counts.isEmpty, counts.count == streams.split(separator: ",").count, counts.allSatisfy({ (1...256).contains($0) })
        else { throw ValidationError("--streams must be a comma-separated list of numbers in 1...256") }
        guard (1...8192).contains(promptTokens) else { throw ValidationError("--prompt-tokens must be in 1...8192") }
        guard (1...8192).contains(generate) else { throw ValidationError("--generate must be in 1...8192") }
        if let threads, !(1...256).contains(threads) { throw ValidationError("--threads must be in 1...256") }
    }

    func run() async throws {
        let loaded: LanguageModel
        do { loaded = try LanguageModel.load(path: model) } catch {
            throw ValidationError("cannot load the model: \(error)")
        }
        guard promptTokens + generate < loaded.contextLength else {
            throw ValidationError("--prompt-tokens + --generate must be under the model's context (\(loaded.contextLength))")
        }
        let benchmark = BatchBenchmark(model: loaded, threads: threads, promptTokens: promptTokens, generatedTokens: generate)
        let counts = streamCounts
        let engine = InferenceEngine(model: loaded, configuration: benchmark.configuration(maxStreams: counts.max() ?? 1))
        print("model: \(loaded.name) (\(loaded.architecture.rawValue)), \(engine.backendName)")
        print("prompts: \(promptTokens) random tokens (distinct per stream), \(generate) generated tokens each, greedy")
        print(" streams | generated | wall s | aggregate tok/s | × 1 stream | TTFT mean s | TTFT max s | prefix hits | preempt")
        var single: Double?
        var wardenRows: [Int: BatchBenchmark.Row] = [:]
        for count in counts {
            guard let row = try await benchmark.run(streams: [count], engine: engine).first else { continue }
            wardenRows[count] = row
            if count == 1 { single = row.tokensPerSecond }
            let ratio = single.map { String(format: "%10.2f", row.tokensPerSecond / $0) } ?? "         -"
            print(String(
                format: "%8d | %9d | %6.2f | %15.1f | %@ | %11.3f | %10.3f | %11d | %7d", row.streams,
                row.generatedTokens, row.wallSeconds, row.tokensPerSecond, ratio, row.meanTimeToFirstToken,
                row.maxTimeToFirstToken, row.prefixCacheHitTokens, row.preemptions))
        }
        if breakdown {
            print(" streams | decode step ms | without output layer ms | output layer share")
            for count in counts {
                let step = try benchmark.decodeStepSeconds(streams: count, engine: engine)
                print(String(
                    format: "%8d | %14.1f | %23.1f | %17.0f%%", count, step.withLogits * 1000, step.withoutLogits * 1000,
                    100 * max(0, step.withLogits - step.withoutLogits) / max(step.withLogits, 1e-9)))
            }
        }
        // MARK: llama.cpp peer figures (llama-batched-bench, llama-server --parallel N), same sizes and threads
        guard let llamaCpp else {
            print("llama.cpp: not measured (pass --llama-cpp DIR with a build holding llama-batched-bench and llama-server)")
            return
        }
        printLlamaCpp(folder: llamaCpp, counts: counts, warden: wardenRows)
    }

    /// Runs llama.cpp's batched benchmark and server on the same model, sizes and threads, and prints them beside
    /// Warden's rows. A failure of the peer is printed, not thrown: Warden's figures above stay valid.
    private func printLlamaCpp(folder: String, counts: [Int], warden: [Int: BatchBenchmark.Row]) {
        let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
        let peer: LlamaCppPeer
        do { peer = try LlamaCppPeer(folder: folder) } catch {
            print("llama.cpp: not measured (\(error))")
            return
        }
        do {
            let rows = try peer.batchedBench(
                model: model, promptTokens: promptTokens, generate: generate, parallel: counts, threads: threadCount)
            print("llama-batched-bench (\(threadCount) threads): streams | decode tok/s (S_TG) | generated ÷ (prefill + decode) s")
            for row in rows {
                let total = row.promptSeconds + row.generationSeconds
                let overall = total > 0 ? Double(row.parallel * row.generate) / total : 0
                print(String(format: "%8d | %19.1f | %10.1f", row.parallel, row.generationTokensPerSecond, overall))
            }
        } catch {
            print("llama-batched-bench: failed (\(error))")
        }
        print("llama-server --parallel N (\(threadCount) threads): streams | aggregate tok/s | TTFT mean s | TTFT max s | Warden ÷ server")
        for count in counts {
            do {
                let result = try peer.serverStreams(
                    model: model, parallel: count, promptTokens: promptTokens, generate: generate, threads: threadCount)
                let ratio = warden[count].map { result.aggregateTokensPerSecond > 0 ? $0.tokensPerSecond / result.aggregateTokensPerSecond : 0 }
                print(String(
                    format: "%8d | %15.1f | %11.3f | %10.3f | %@", count, result.aggregateTokensPerSecond,
                    result.meanTimeToFirstToken, result.maxTimeToFirstToken, ratio.map { String(format: "%.2f", $0) } ?? "-"))
            } catch {
                print(String(format: "%8d | failed (%@)", count, "\(error)"))
            }
        }
    }
}
