import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `llama-server` child process on a free loopback port, for the peer measurements. `stop()` ends it (SIGTERM,
/// then SIGKILL after a grace period); callers stop it in a `defer` so it never outlives the measurement.
final class LlamaServerProcess {
    let port: Int
    private let process = Process()
    private let logURL: URL
    private var stopped = false

    init(executable: String, model: String, parallel: Int, context: Int, threads: Int) throws(LlamaCppPeerError) {
        port = try LoopbackHTTPConnection.freePort()
        logURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("warden-llama-server-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: logURL.path, contents: nil),
            let log = try? FileHandle(forWritingTo: logURL)
        else { throw LlamaCppPeerError(.serverFailed, "cannot create the server's log file") }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "-m", model, "--host", "127.0.0.1", "--port", String(port), "--parallel", String(parallel),
            "-c", String(context), "-t", String(threads), "-tb", String(threads), "--no-webui",
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        do { try process.run() } catch {
            try? FileManager.default.removeItem(at: logURL)
            throw LlamaCppPeerError(.serverFailed, "cannot start llama-server: \(error)")
        }
        try? log.close()
    }

    deinit { stop() }

    /// Polls `/health` until the model is loaded (200), the process dies, or `timeout` seconds pass.
    func waitUntilHealthy(timeout: Double) throws(LlamaCppPeerError) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard process.isRunning else {
                throw LlamaCppPeerError(
                    .serverFailed, "llama-server exited with \(process.terminationStatus): \(logTail())")
            }
            if let connection = try? LoopbackHTTPConnection(port: port, timeout: 5),
                let response = try? connection.request(method: "GET", path: "/health", body: nil),
                response.status == 200
            {
                return
            }
            Thread.sleep(forTimeInterval: 0.25)
        }
        throw LlamaCppPeerError(.serverFailed, "llama-server was not healthy within \(Int(timeout)) s: \(logTail())")
    }

    /// The model's vocabulary size, from `/v1/models`.
    func vocabularySize() throws(LlamaCppPeerError) -> Int {
        let connection = try LoopbackHTTPConnection(port: port, timeout: 30)
        let response = try connection.request(method: "GET", path: "/v1/models", body: nil)
        guard response.status == 200,
            let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
            let models = object["data"] as? [[String: Any]],
            let meta = models.first?["meta"] as? [String: Any],
            let vocabulary = meta["n_vocab"] as? Int, vocabulary > 0
        else { throw LlamaCppPeerError(.serverFailed, "/v1/models gave no vocabulary size") }
        return vocabulary
    }

    /// Ends the server and removes its log; safe to call more than once.
    func stop() {
        guard !stopped else { return }
        stopped = true
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: logURL)
    }

    private func logTail() -> String {
        LlamaCppPeer.tail((try? String(contentsOf: logURL, encoding: .utf8)) ?? "")
    }
}
