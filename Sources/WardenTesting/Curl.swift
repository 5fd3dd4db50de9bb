import Foundation

/// Runs the real `curl` against a test server: a real TLS client, and the same command the README documents.
public struct Curl: Sendable {
    public struct Result: Sendable {
        /// curl's exit code: 0 when an HTTP response arrived.
        public var exitCode: Int32
        /// HTTP status, 0 when no response arrived (for example a refused handshake).
        public var status: Int
        public var headers: [String: String]
        public var body: String
        public var stderr: String

        /// The header value, case-insensitively.
        public func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    public var caPath: String
    public var certificatePath: String?
    public var keyPath: String?

    public init(caPath: String, certificatePath: String? = nil, keyPath: String? = nil) {
        self.caPath = caPath
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    /// Performs one request; `body` is sent as is (binary-safe) from a temporary file.
    ///
    /// Asynchronous on purpose: the server under test runs its handshake checks and handlers on Swift's
    /// cooperative pool, which has one thread per core; a test blocking one of them while waiting for curl can
    /// starve the very server it is waiting for.
    public func request(
        _ url: String, method: String = "GET", body: [UInt8]? = nil, headers: [String] = [],
        extraArguments: [String] = [], timeoutSeconds: Int = 20
    ) async throws -> Result {
        let directory = TemporaryDirectory(prefix: "curl")
        var arguments = ["-sS", "--max-time", String(timeoutSeconds), "--cacert", caPath, "-X", method,
                         "-o", directory.file("body"), "-D", directory.file("headers"), "-w", "%{http_code}"]
        if let certificatePath, let keyPath { arguments += ["--cert", certificatePath, "--key", keyPath] }
        for header in headers { arguments += ["-H", header] }
        if let body {
            try Data(body).write(to: URL(fileURLWithPath: directory.file("request")))
            arguments += ["--data-binary", "@" + directory.file("request"), "-H", "Content-Type: application/json"]
        }
        arguments += extraArguments + [url]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: directory.file("stdout"), contents: nil)
        _ = FileManager.default.createFile(atPath: directory.file("stderr"), contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.file("stdout")))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.file("stderr")))
        try await process.runToCompletion()
        let statusText = (try? String(contentsOfFile: directory.file("stdout"), encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: directory.file("stderr"), encoding: .utf8)) ?? ""
        let responseBody = (try? String(contentsOfFile: directory.file("body"), encoding: .utf8)) ?? ""
        var parsedHeaders: [String: String] = [:]
        if let headerText = try? String(contentsOfFile: directory.file("headers"), encoding: .utf8) {
            for line in headerText.split(whereSeparator: \.isNewline) {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = line[..<colon].lowercased()
                parsedHeaders[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return Result(
            exitCode: process.terminationStatus, status: Int(statusText) ?? 0, headers: parsedHeaders,
            body: responseBody, stderr: stderr)
    }
}

extension Process {
    /// Runs the process and suspends (without blocking a thread) until it exits.
    public func runToCompletion() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            terminationHandler = { _ in continuation.resume() }
            do {
                try run()
            } catch {
                terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
    }
}
