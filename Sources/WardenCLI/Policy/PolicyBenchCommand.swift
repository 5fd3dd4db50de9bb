import ArgumentParser
import Foundation
import WardenPolicy

/// `warden policy bench`: Casbin's standard benchmark scenarios, Warden and pycasbin side by side.
struct PolicyBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time uncached decisions on Casbin's benchmark scenarios, next to pycasbin when installed.",
        discussion: """
            Generates the scenarios into a temporary folder, then for each prints microseconds per decision \
            for Warden (no decision cache) and, when `python3 -c "import casbin"` works, for pycasbin on the \
            same files and request. pycasbin is capped by --pycasbin-seconds and --pycasbin-iterations per \
            scenario and skips the 1,000,000-rule policy unless --pycasbin-million is given. Also prints load \
            time and peak resident memory for the 1,000,000-rule policy. Build with `swift build -c release`.
            """)

    @Option(help: "Seconds of timing per scenario for Warden.") var seconds: Double = 0.5
    @Option(help: "Seconds of timing per scenario for pycasbin.") var pycasbinSeconds: Double = 2
    @Option(help: "Most pycasbin iterations per scenario.") var pycasbinIterations: Int = 20_000
    @Flag(help: "Also run pycasbin on the 1,000,000-rule policy (its load takes minutes).") var pycasbinMillion = false
    @Flag(help: "Do not run pycasbin.") var skipPycasbin = false
    @Option(help: "Run only scenarios whose name contains this text.") var only: String?

    func run() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("warden-policy-bench-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pythonReady = !skipPycasbin && pycasbinAvailable()
        let script = folder.appendingPathComponent("pycasbin_bench.py")
        try PycasbinBenchScript.source.write(to: script, atomically: true, encoding: .utf8)
        if !skipPycasbin && !pythonReady { print("pycasbin not found (python3 -c 'import casbin' failed): Warden figures only") }

        // The million-rule policy first, so the peak memory figure is its own.
        var scenarios = [PolicyBenchmarkScenario.rbacMillion()] + PolicyBenchmarkScenario.standard()
        if let only { scenarios = scenarios.filter { $0.name.contains(only) } }
        print("µs = thread CPU microseconds per uncached decision, same files and request for both engines")
        print(pad("scenario", 22) + pad("rules", 10) + pad("warden µs", 12) + pad("pycasbin µs", 14) + pad("speedup", 10) + "notes")
        for scenario in scenarios {
            let model = folder.appendingPathComponent("\(scenario.name)_model.conf")
            let policy = folder.appendingPathComponent("\(scenario.name)_policy.csv")
            try scenario.model.write(to: model, atomically: true, encoding: .utf8)
            try scenario.policy.write(to: policy, atomically: true, encoding: .utf8)
            let loadStart = DispatchTime.now()
            let loadCPUStart = threadCPUNanoseconds()
            let enforcer = try PolicyEnforcer.load(modelPath: model.path, policyPath: policy.path)
            let loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - loadStart.uptimeNanoseconds) / 1e9
            let loadCPUSeconds = Double(threadCPUNanoseconds() - loadCPUStart) / 1e9
            let rules = enforcer.ruleCounts.values.reduce(0, +)
            let decision = enforcer.enforce(scenario.request)
            let micros = time(enforcer, scenario.request)
            var notes = "decision=\(decision.allowed)"
            if rules >= 100_000 {
                notes += String(format: " load=%.2fs (cpu %.2fs)", loadSeconds, loadCPUSeconds)
                if let peak = peakResidentMegabytes() { notes += String(format: " peakRSS=%.0fMiB", peak) }
            }
            var pythonColumn = "-"
            var speedup = "-"
            if pythonReady && (scenario.pycasbinByDefault || pycasbinMillion) {
                if let result = runPycasbin(script: script, model: model, policy: policy, request: scenario.request) {
                    pythonColumn = String(format: "%.2f", result.micros)
                    speedup = String(format: "%.0fx", result.micros / micros)
                    notes += " pycasbin: \(result.iterations) iterations"
                    if result.iterations < 1000 { notes += " (capped)" }
                    notes += String(format: ", load=%.2fs", result.loadSeconds)
                    if result.allowed != decision.allowed { notes += " DISAGREES" }
                } else {
                    pythonColumn = "failed"
                }
            } else if pythonReady {
                pythonColumn = "skipped"
                notes += " (pycasbin load of this size takes minutes; --pycasbin-million runs it)"
            }
            print(pad(scenario.name, 22) + pad(String(rules), 10) + pad(String(format: "%.3f", micros), 12) + pad(pythonColumn, 14) + pad(speedup, 10) + notes)
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    /// CPU microseconds per decision over `seconds` of repeated, uncached decisions. Thread CPU time, not
    /// wall time, so that other work on a shared machine does not inflate the figure (pycasbin is timed
    /// the same way).
    private func time(_ enforcer: PolicyEnforcer, _ request: [PolicyValue]) -> Double {
        for _ in 0..<200 { _ = enforcer.enforce(request) }
        var iterations = 0
        var allowedCount = 0
        let start = threadCPUNanoseconds()
        var elapsed: UInt64 = 0
        repeat {
            for _ in 0..<1000 where enforcer.enforce(request).allowed { allowedCount += 1 }
            iterations += 1000
            elapsed = threadCPUNanoseconds() - start
        } while Double(elapsed) < seconds * 1e9
        precondition(allowedCount >= 0)
        return Double(elapsed) / 1000 / Double(iterations)
    }

    private func threadCPUNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    private func pycasbinAvailable() -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import casbin"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    private func runPycasbin(script: URL, model: URL, policy: URL, request: [PolicyValue]) -> (micros: Double, iterations: Int, loadSeconds: Double, allowed: Bool)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let requestJSON = "[" + request.map(json).joined(separator: ", ") + "]"
        process.arguments = ["python3", script.path, model.path, policy.path, requestJSON, String(pycasbinSeconds), String(pycasbinIterations)]
        let output = Pipe()
        process.standardOutput = output
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let micros = object["us_per_decision"] as? Double, let iterations = object["iterations"] as? Int,
            let load = object["load_seconds"] as? Double, let allowed = object["result"] as? Bool
        else { return nil }
        return (micros, iterations, load, allowed)
    }

    private func json(_ value: PolicyValue) -> String {
        switch value {
        case .object(let fields):
            return "{" + fields.keys.sorted().map { "\"\($0)\": \(json(fields[$0]!))" }.joined(separator: ", ") + "}"
        case .string(let text):
            return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        default:
            return value.description
        }
    }

    /// Peak resident set size of this process (Linux `VmHWM`), in MiB.
    private func peakResidentMegabytes() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.split(separator: " ").compactMap { Double($0) }
            if let kilobytes = digits.first { return kilobytes / 1024 }
        }
        return nil
    }
}
