import Foundation

/// llama.cpp, run beside Warden as the comparison peer of the benchmark commands.
///
/// Every llama.cpp invocation the benchmarks use lives here, so the commands only format results. llama.cpp is never
/// part of Warden: the operator builds it outside the repository and passes its folder. Each call starts the program,
/// reads its machine-readable output and returns plain values; llama-server is always stopped before a call returns.
struct LlamaCppPeer: Sendable {
    /// The folder the executables were found in.
    let binaryFolder: String

    /// Finds a llama.cpp build in `folder`, `folder/bin` or `folder/build/bin` (the first holding `llama-bench`,
    /// `llama-batched-bench` or `llama-server`).
    init(folder: String) throws(LlamaCppPeerError) {
        let programs = ["llama-bench", "llama-batched-bench", "llama-server"]
        for sub in ["", "bin", "build/bin"] {
            let candidate = sub.isEmpty ? folder : (folder as NSString).appendingPathComponent(sub)
            for program in programs
            where FileManager.default.isExecutableFile(atPath: (candidate as NSString).appendingPathComponent(program)) {
                binaryFolder = candidate
                return
            }
        }
        throw LlamaCppPeerError(
            .executableMissing,
            "no llama-bench, llama-batched-bench or llama-server in \(folder), \(folder)/bin or \(folder)/build/bin")
    }

    /// The path of `program` in the build, or a clear error naming what is missing.
    func executable(_ program: String) throws(LlamaCppPeerError) -> String {
        let path = (binaryFolder as NSString).appendingPathComponent(program)
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw LlamaCppPeerError(.executableMissing, "\(program) is not in \(binaryFolder); build that target")
        }
        return path
    }

    // MARK: llama-bench

    /// `llama-bench` prompt processing of 512 tokens and generation of 128 at each thread count, `repetitions` runs
    /// each (llama-bench reports their mean).
    func bench(model: String, threads: [Int], repetitions: Int = 5) throws(LlamaCppPeerError) -> [LlamaBenchResult] {
        guard !threads.isEmpty, threads.allSatisfy({ $0 > 0 }), repetitions > 0 else {
            throw LlamaCppPeerError(.invalidArguments, "llama-bench needs positive thread counts and repetitions")
        }
        let output = try run(
            executable("llama-bench"),
            ["-m", model, "-p", "512", "-n", "128", "-r", String(repetitions),
             "-t", threads.map(String.init).joined(separator: ","), "-o", "json"],
            mergeStandardError: false)
        guard let data = output.data(using: .utf8),
            let entries = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        else { throw LlamaCppPeerError(.programFailed, "llama-bench printed no JSON array") }
        return entries.map { entry in
            let prompt = entry["n_prompt"] as? Int ?? 0, generated = entry["n_gen"] as? Int ?? 0
            return LlamaBenchResult(
                test: prompt > 0 ? "pp\(prompt)" : "tg\(generated)", threads: entry["n_threads"] as? Int ?? 0,
                tokensPerSecond: entry["avg_ts"] as? Double ?? 0, standardDeviation: entry["stddev_ts"] as? Double ?? 0)
        }
    }

    // MARK: llama-batched-bench

    /// `llama-batched-bench`: for each count in `parallel`, that many sequences with distinct `promptTokens`-token
    /// prompts are prefilled, then decode `generate` tokens each, all together (`-npl`; prompts not shared).
    func batchedBench(
        model: String, promptTokens: Int, generate: Int, parallel: [Int], threads: Int
    ) throws(LlamaCppPeerError) -> [LlamaBatchedBenchRow] {
        guard promptTokens > 0, generate > 0, threads > 0, !parallel.isEmpty, parallel.allSatisfy({ $0 > 0 }) else {
            throw LlamaCppPeerError(.invalidArguments, "batched-bench needs positive sizes, streams and threads")
        }
        // The context must hold every sequence at once, or llama-batched-bench silently skips that row.
        let context = Self.roundedUp((parallel.max() ?? 1) * (promptTokens + generate), to: 256)
        let output = try run(
            executable("llama-batched-bench"),
            ["-m", model, "-c", String(context), "-b", "2048", "-ub", "512", "-npp", String(promptTokens),
             "-ntg", String(generate), "-npl", parallel.map(String.init).joined(separator: ","), "-t", String(threads),
             "-tb", String(threads), "--output-format", "jsonl"],
            mergeStandardError: true)
        var rows: [LlamaBatchedBenchRow] = []
        for line in output.split(separator: "\n") where line.hasPrefix("{") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let pl = object["pl"] as? Int
            else { continue }
            func number(_ key: String) -> Double { (object[key] as? NSNumber)?.doubleValue ?? 0 }
            rows.append(LlamaBatchedBenchRow(
                promptTokens: object["pp"] as? Int ?? promptTokens, generate: object["tg"] as? Int ?? generate,
                parallel: pl, threads: object["n_threads"] as? Int ?? threads,
                promptTokensPerSecond: number("speed_pp"), generationTokensPerSecond: number("speed_tg"),
                promptSeconds: number("t_pp"), generationSeconds: number("t_tg")))
        }
        guard rows.count == parallel.count else {
            throw LlamaCppPeerError(
                .programFailed, "llama-batched-bench reported \(rows.count) of \(parallel.count) rows")
        }
        return rows
    }

    // MARK: Running a program

    /// Runs `executable` to completion and returns its standard output (with standard error when `merge`); a
    /// non-zero exit is an error carrying the last lines of its output.
    func run(_ executable: String, _ arguments: [String], mergeStandardError: Bool) throws(LlamaCppPeerError)
        -> String
    {
        let logURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("warden-llamacpp-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: logURL.path, contents: nil),
            let log = try? FileHandle(forWritingTo: logURL)
        else { throw LlamaCppPeerError(.programFailed, "cannot create a temporary log file") }
        defer {
            try? log.close()
            try? FileManager.default.removeItem(at: logURL)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardError = log
        let pipe = Pipe()
        process.standardOutput = mergeStandardError ? log : pipe
        do { try process.run() } catch {
            throw LlamaCppPeerError(.programFailed, "cannot start \(executable): \(error)")
        }
        let stdout = mergeStandardError ? Data() : pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let logText = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw LlamaCppPeerError(
                .programFailed,
                "\((executable as NSString).lastPathComponent) exited with \(process.terminationStatus): "
                    + Self.tail(logText))
        }
        return mergeStandardError ? logText : String(decoding: stdout, as: UTF8.self)
    }

    /// The last few lines of a program's log, for an error message.
    static func tail(_ text: String, lines: Int = 5) -> String {
        text.split(separator: "\n").suffix(lines).joined(separator: " | ")
    }

    static func roundedUp(_ value: Int, to multiple: Int) -> Int { (value + multiple - 1) / multiple * multiple }
}
