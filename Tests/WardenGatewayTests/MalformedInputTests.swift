import Foundation
import Testing
@testable import WardenGateway
import WardenTesting

/// Each bad input gets the right status and an OpenAI-style error body, and the server keeps serving.
@Suite(.serialized) struct MalformedInputTests {
    static let catalog = ModelCatalog(entries: [
        .init(id: "gemma-3-270m", contextLength: 2048, sensitivity: 0, created: 1_700_000_000)
    ])

    /// Starts a gateway whose catalog names the default model but which has no engine, so a valid request reaches
    /// the "no model is loaded" answer and every earlier failure is the validation's.
    func withServer(_ body: (RunningGateway, Curl) async throws -> Void, configure: (inout WardenConfiguration) -> Void = { _ in })
        async throws
    {
        let server = try await RunningGateway(catalog: Self.catalog, configure: configure)
        let alice = try server.pki.client("alice", team: "research")
        try await body(server, server.curl(alice))
        // Still serving after whatever the test sent.
        #expect(try await server.curl(alice).request(server.baseURL + "/healthz").status == 200)
        await server.stop()
    }

    func post(_ curl: Curl, _ server: RunningGateway, _ path: String, _ body: String) async throws -> Curl.Result {
        try await curl.request(server.baseURL + path, method: "POST", body: Array(body.utf8))
    }

    func errorObject(_ result: Curl.Result) throws -> [String: Any] {
        let json = try JSONSerialization.jsonObject(with: Data(result.body.utf8)) as? [String: Any]
        return try #require(json?["error"] as? [String: Any], "no error object in \(result.body)")
    }

    @Test func malformedJSONIs400WithAnErrorObject() async throws {
        try await withServer { server, curl in
            let result = try await post(curl, server, "/v1/chat/completions", "{not json")
            #expect(result.status == 400)
            let error = try errorObject(result)
            #expect(error["type"] as? String == "invalid_request_error")
            #expect(error["code"] as? String == "invalid_json")
            #expect(error.keys.contains("param"))
        }
    }

    @Test func invalidUTF8Is400() async throws {
        try await withServer { server, curl in
            var bytes = Array(#"{"model":"gemma-3-270m","prompt":""#.utf8)
            bytes += [0xFF, 0xFE, 0x80]
            bytes += Array(#""}"#.utf8)
            let result = try await curl.request(server.baseURL + "/v1/completions", method: "POST", body: bytes)
            #expect(result.status == 400)
            #expect(try errorObject(result)["code"] as? String == "invalid_utf8")
        }
    }

    @Test func missingMessagesNamesTheParameter() async throws {
        try await withServer { server, curl in
            let result = try await post(curl, server, "/v1/chat/completions", #"{"model":"gemma-3-270m"}"#)
            #expect(result.status == 400)
            let error = try errorObject(result)
            #expect(error["param"] as? String == "messages")
            #expect((error["message"] as? String)?.contains("messages") == true)
        }
    }

    @Test func missingPromptNamesTheParameter() async throws {
        try await withServer { server, curl in
            let result = try await post(curl, server, "/v1/completions", #"{"model":"gemma-3-270m"}"#)
            #expect(result.status == 400)
            #expect(try errorObject(result)["param"] as? String == "prompt")
        }
    }

    @Test(arguments: [
        (#""max_tokens":"ten""#, "max_tokens"), (#""max_tokens":-5"#, "max_tokens"), (#""max_tokens":1e12"#, "max_tokens"),
        (#""max_tokens":2.5"#, "max_tokens"), (#""max_tokens":4096"#, "max_tokens"), (#""temperature":"hot""#, "temperature"),
        (#""temperature":7"#, "temperature"), (#""stream":"yes""#, "stream"), (#""stop":[1,2]"#, "stop"),
        (#""messages":"hello""#, "messages"), (#""messages":[]"#, "messages"), (#""messages":[{"role":"wizard","content":"x"}]"#, "messages[0].role"),
    ])
    func wrongTypesAndAbsurdValuesNameTheParameter(field: String, param: String) async throws {
        try await withServer { server, curl in
            let messages = field.hasPrefix(#""messages""#) ? "" : #","messages":[{"role":"user","content":"hi"}]"#
            let body = #"{"model":"gemma-3-270m","# + field + messages + "}"
            let result = try await post(curl, server, "/v1/chat/completions", body)
            #expect(result.status == 400, "\(body) -> \(result.status) \(result.body)")
            #expect(try errorObject(result)["param"] as? String == param, "\(body) -> \(result.body)")
        }
    }

    @Test func aValidRequestWithUnknownFieldsGets503NoModelLoaded() async throws {
        try await withServer { server, curl in
            let body = #"{"model":"gemma-3-270m","messages":[{"role":"user","content":"hi"}],"some_future_field":{"x":1}}"#
            let result = try await post(curl, server, "/v1/chat/completions", body)
            #expect(result.status == 503)
            #expect(try errorObject(result)["code"] as? String == "no_model_loaded")
            #expect(result.header("retry-after") != nil)
        }
    }

    @Test func aModelTheTeamIsClearedForButNotServedIs404() async throws {
        try await withServer { server, curl in
            // The default policy clears research for llama-3.2-1b-instruct, which this gateway does not serve.
            let body = #"{"model":"llama-3.2-1b-instruct","messages":[{"role":"user","content":"hi"}]}"#
            let result = try await post(curl, server, "/v1/chat/completions", body)
            #expect(result.status == 404)
            #expect(try errorObject(result)["code"] as? String == "model_not_found")
        }
    }

    @Test func aModelTheTeamIsNotClearedForIs403WithoutRuleInternals() async throws {
        try await withServer { server, curl in
            let body = #"{"model":"secret-model","messages":[{"role":"user","content":"hi"}]}"#
            let result = try await post(curl, server, "/v1/chat/completions", body)
            #expect(result.status == 403)
            let error = try errorObject(result)
            #expect(error["type"] as? String == "permission_error")
            #expect(!result.body.contains("policy.csv") && !result.body.contains("g2"))
        }
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        try await withServer({ server, curl in
            let big = #"{"model":"gemma-3-270m","prompt":""# + String(repeating: "a", count: 8192) + #""}"#
            let result = try await post(curl, server, "/v1/completions", big)
            #expect(result.status == 413)
            #expect(try errorObject(result)["code"] as? String == "request_too_large")
        }, configure: { $0.server.maxBodyBytes = 4096 })
    }

    @Test func aHeaderFloodIsRefusedAndTheServerKeepsServing() async throws {
        try await withServer { server, curl in
            let headers = (0..<1500).map { "X-Flood-\($0): \(String(repeating: "v", count: 64))" }
            let result = try await curl.request(server.baseURL + "/healthz", headers: headers)
            #expect(result.status != 200, "a flood of 1500 headers (96 KB) must not be served")
        }
    }

    @Test func nonCanonicalPathsAreRefused() async throws {
        try await withServer { server, curl in
            for path in ["/v1//models", "/v1/./models", "/v1/models/", "/v1/%6dodels"] {
                let result = try await curl.request(server.baseURL + path, extraArguments: ["--path-as-is"])
                #expect(result.status == 400, "\(path) -> \(result.status)")
            }
        }
    }

    @Test func unknownRoutesAreDeniedByDefault() async throws {
        try await withServer { server, curl in
            let embeddings = try await curl.request(server.baseURL + "/v1/embeddings", method: "POST", body: Array("{}".utf8))
            let secret = try await curl.request(server.baseURL + "/secret")
            #expect(embeddings.status == 403)
            #expect(secret.status == 403)
        }
    }

    @Test func aSaneRequestIDIsEchoedAndAnInsaneOneReplaced() async throws {
        try await withServer { server, curl in
            let echoed = try await curl.request(server.baseURL + "/healthz", headers: ["X-Request-Id: trace-42.a_b"])
            #expect(echoed.header("x-request-id") == "trace-42.a_b")
            let replaced = try await curl.request(server.baseURL + "/healthz", headers: ["X-Request-Id: evil\"id with spaces"])
            let generated = try #require(replaced.header("x-request-id"))
            #expect(generated.count == 32 && generated.allSatisfy(\.isHexDigit))
            let denied = try await curl.request(server.baseURL + "/secret")
            #expect(denied.header("x-request-id")?.count == 32, "errors carry a request id too")
        }
    }

    @Test func anIdleConnectionIsClosedAfterTheIdleTimeout() async throws {
        try await withServer({ server, curl in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = ["s_client", "-connect", "127.0.0.1:\(server.port)", "-quiet",
                                 "-cert", curl.certificatePath!, "-key", curl.keyPath!, "-CAfile", server.pki.caPath]
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = Pipe()
            process.standardError = Pipe()
            let start = Date()
            try process.run()
            // Send nothing; the server must close the connection by itself.
            while process.isRunning, Date().timeIntervalSince(start) < 15 {
                try await Task.sleep(for: .milliseconds(100))
            }
            let closed = !process.isRunning
            if process.isRunning { process.terminate() }
            try? input.fileHandleForWriting.close()
            #expect(closed, "connection still open after 15 s with a 1 s idle timeout")
        }, configure: { $0.server.idleTimeoutSeconds = 1 })
    }

    @Test func theGuestRoleMayListModelsButNotCallThem() async throws {
        let server = try await RunningGateway(catalog: Self.catalog)
        let gina = try server.pki.client("gina", team: "research", role: "guest")
        let curl = server.curl(gina)
        #expect(try await curl.request(server.baseURL + "/v1/models").status == 200)
        let body = #"{"model":"gemma-3-270m","messages":[{"role":"user","content":"hi"}]}"#
        #expect(try await curl.request(server.baseURL + "/v1/chat/completions", method: "POST", body: Array(body.utf8)).status == 403)
        await server.stop()
    }
}

/// Connections beyond `server.max_connections` are not accepted until one closes; the server keeps serving.
@Suite(.serialized) struct ConnectionLimitTests {
    @Test func aConnectionBeyondTheLimitWaitsUntilAnotherCloses() async throws {
        let server = try await RunningGateway { $0.server.maxConnections = 1 }
        let alice = try server.pki.client("alice")
        // Hold the only connection open with an idle TLS session.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        holder.arguments = ["s_client", "-connect", "127.0.0.1:\(server.port)", "-quiet",
                            "-cert", alice.certificatePath, "-key", alice.keyPath, "-CAfile", server.pki.caPath]
        let input = Pipe()
        holder.standardInput = input
        holder.standardOutput = Pipe()
        holder.standardError = Pipe()
        try holder.run()
        try await Task.sleep(for: .milliseconds(500))
        let refused = try await server.curl(alice).request(server.baseURL + "/healthz", timeoutSeconds: 3)
        #expect(refused.status == 0, "a second connection was served while the limit of 1 was taken")
        holder.terminate()
        try? input.fileHandleForWriting.close()
        var status = 0
        for _ in 0..<20 where status != 200 {
            try await Task.sleep(for: .milliseconds(250))
            status = try await server.curl(alice).request(server.baseURL + "/healthz", timeoutSeconds: 5).status
        }
        #expect(status == 200, "the server did not accept connections again after the holder left")
        await server.stop()
    }
}
