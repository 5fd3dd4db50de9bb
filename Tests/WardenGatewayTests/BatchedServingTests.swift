import Foundation
import Testing
@testable import WardenGateway
import WardenTesting

/// The batched engine behind the gateway on the default model: concurrent requests, the bounded queue's 429,
/// per-request sampling options, logprobs, and the engine's load in `/readyz` and `/metrics`.
@Suite(.serialized) struct BatchedServingTests {
    let routes = CompletionRouteTests()

    func completion(_ curl: Curl, _ server: RunningGateway, _ body: String) async throws -> [String: Any] {
        let result = try await curl.request(server.baseURL + "/v1/completions", method: "POST", body: Array(body.utf8))
        #expect(result.status == 200, "\(result.body)")
        return try routes.json(result.body)
    }

    func text(_ response: [String: Any]) -> String? {
        (response["choices"] as? [[String: Any]])?.first?["text"] as? String
    }

    /// `/readyz`'s engine block, polled until `done` holds (the scheduler admits on its own thread).
    func waitForEngine(
        _ curl: Curl, _ server: RunningGateway, until done: ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        for _ in 0..<400 {
            let ready = try await curl.request(server.baseURL + "/readyz")
            if let engine = try routes.json(ready.body)["engine"] as? [String: Any], done(engine) { return engine }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw TestFailure("the engine never reached the expected state")
    }

    @Test func concurrentGreedyRequestsGetTheSameAnswersAsAlone() async throws {
        let (server, curl) = try await routes.startServer()
        let prompts = ["The capital of France is", "Once upon a time", "def fibonacci(n):", "Water boils at"]
        let bodies = prompts.enumerated().map { index, prompt in
            #"{"model":"gemma-3-270m","prompt":"\#(prompt)","max_tokens":\#(6 + 3 * index),"temperature":0}"#
        }
        var alone: [String] = []
        for body in bodies { alone.append(try #require(text(try await completion(curl, server, body)))) }
        let together = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for (index, body) in bodies.enumerated() {
                group.addTask { (index, self.text(try await self.completion(curl, server, body))) }
            }
            var results = [String?](repeating: nil, count: bodies.count)
            for try await (index, text) in group { results[index] = text }
            return results
        }
        #expect(together == alone)
        #expect(alone[0] == CompletionRouteTests.referenceContinuation.prefix(alone[0].count).description)
        await server.stop()
    }

    @Test func aFullQueueAnswers429WithRetryAfterAndReadyzSaysSo() async throws {
        let (server, curl) = try await routes.startServer(maxQueuedRequests: 1, maxRunningSequences: 1)
        // Long enough (greedy, no end-of-text before 400 tokens) that the first request is still running when the
        // third arrives: 64 tokens took only 0.6 s once generation reached 100 tokens/s, and the queue drained.
        let long = #"{"model":"gemma-3-270m","prompt":"Once upon a time","max_tokens":256,"temperature":0,"stream":true}"#
        let running = Task { try await curl.request(server.baseURL + "/v1/completions", method: "POST", body: Array(long.utf8)) }
        _ = try await waitForEngine(curl, server) { $0["running_sequences"] as? Int == 1 }
        let waiting = Task { try await curl.request(server.baseURL + "/v1/completions", method: "POST", body: Array(long.utf8)) }
        _ = try await waitForEngine(curl, server) { $0["queued_requests"] as? Int == 1 }
        let ready = try await curl.request(server.baseURL + "/readyz")
        #expect(ready.status == 503, "a full queue makes the gateway not ready: \(ready.body)")

        let refused = try await curl.request(
            server.baseURL + "/v1/completions", method: "POST",
            body: Array(#"{"model":"gemma-3-270m","prompt":"hello","max_tokens":2}"#.utf8))
        #expect(refused.status == 429)
        #expect(Int(refused.header("retry-after") ?? "") ?? 0 >= 1)
        let error = try #require(try routes.json(refused.body)["error"] as? [String: Any])
        #expect(error["type"] as? String == "rate_limit_error")
        #expect(error["code"] as? String == "engine_overloaded")

        for task in [running, waiting] {
            let result = try await task.value
            #expect(result.status == 200)
            #expect(result.body.hasSuffix("data: [DONE]\n\n"))
        }
        let metrics = try await curl.request(server.baseURL + "/metrics")
        #expect(metrics.body.contains("warden_engine_requests_rejected_total 1"), "\(metrics.body)")
        await server.stop()
    }

    @Test func withNoWaitingRoomFreeBatchPlacesStillServeAndReadyzSaysReady() async throws {
        let (server, curl) = try await routes.startServer(maxQueuedRequests: 0, maxRunningSequences: 2)
        let ready = try await curl.request(server.baseURL + "/readyz")
        #expect(ready.status == 200, "\(ready.body)")
        _ = try await completion(curl, server, #"{"model":"gemma-3-270m","prompt":"Hello","max_tokens":2,"temperature":0}"#)
        await server.stop()
    }

    @Test func chatLogprobsReportTheChosenTokenAndSortedAlternatives() async throws {
        let (server, curl) = try await routes.startServer()
        let body = #"{"model":"gemma-3-270m","messages":[{"role":"user","content":"Name a colour."}],"max_tokens":5,"temperature":0,"logprobs":true,"top_logprobs":3}"#
        let result = try await curl.request(server.baseURL + "/v1/chat/completions", method: "POST", body: Array(body.utf8))
        #expect(result.status == 200, "\(result.body)")
        let choice = try #require((try routes.json(result.body)["choices"] as? [[String: Any]])?.first)
        let content = try #require((choice["logprobs"] as? [String: Any])?["content"] as? [[String: Any]])
        #expect(!content.isEmpty && content.count <= 5)
        var joined: [UInt8] = []
        for entry in content {
            let logprob = try #require(entry["logprob"] as? Double)
            #expect(logprob <= 0)
            let top = try #require(entry["top_logprobs"] as? [[String: Any]])
            #expect(top.count == 3)
            let values = top.compactMap { $0["logprob"] as? Double }
            #expect(values == values.sorted(by: >))
            // Greedy without penalties picks the most likely token of the raw distribution.
            #expect(top.first?["token"] as? String == entry["token"] as? String)
            #expect(abs((values.first ?? 0) - logprob) < 1e-6)
            joined += (entry["bytes"] as? [Int] ?? []).map { UInt8($0) }
        }
        let message = try #require((choice["message"] as? [String: Any])?["content"] as? String)
        #expect(String(decoding: joined, as: UTF8.self).hasPrefix(message) || message.hasPrefix(String(decoding: joined, as: UTF8.self)))
        await server.stop()
    }

    @Test func completionLogprobsLineUpWithTheTextAndStreamToo() async throws {
        let (server, curl) = try await routes.startServer()
        let body = #"{"model":"gemma-3-270m","prompt":"The capital of France is","max_tokens":6,"temperature":0,"logprobs":2}"#
        let response = try await completion(curl, server, body)
        let choice = try #require((response["choices"] as? [[String: Any]])?.first)
        let logprobs = try #require(choice["logprobs"] as? [String: Any])
        let tokens = try #require(logprobs["tokens"] as? [String])
        #expect(tokens.joined() == choice["text"] as? String)
        let offsets = try #require(logprobs["text_offset"] as? [Int])
        #expect(offsets.first == 0 && offsets.count == tokens.count)
        #expect((logprobs["top_logprobs"] as? [[String: Double]])?.allSatisfy { $0.count <= 2 && !$0.isEmpty } == true)

        let streamed = try await curl.request(
            server.baseURL + "/v1/completions", method: "POST",
            body: Array(body.replacingOccurrences(of: "}", with: #","stream":true}"#).utf8))
        var streamedTokens: [String] = []
        for event in streamed.body.components(separatedBy: "\n\n") where event.hasPrefix("data: {") {
            let chunk = try routes.json(String(event.dropFirst("data: ".count)))
            let part = ((chunk["choices"] as? [[String: Any]])?.first?["logprobs"] as? [String: Any])?["tokens"] as? [String]
            streamedTokens += part ?? []
        }
        #expect(streamedTokens == tokens)
        await server.stop()
    }

    @Test func seededSamplingWithPenaltiesAndMinPIsReproducible() async throws {
        let (server, curl) = try await routes.startServer()
        let body = #"{"model":"gemma-3-270m","prompt":"My favourite fruit is","max_tokens":12,"temperature":0.9,"top_p":0.95,"min_p":0.05,"presence_penalty":1.5,"frequency_penalty":0.5,"seed":1234}"#
        let first = try #require(text(try await completion(curl, server, body)))
        let second = try #require(text(try await completion(curl, server, body)))
        #expect(first == second)
        let outOfRange = try await curl.request(
            server.baseURL + "/v1/completions", method: "POST",
            body: Array(#"{"model":"gemma-3-270m","prompt":"x","min_p":1.5}"#.utf8))
        #expect(outOfRange.status == 400)
        #expect(outOfRange.body.contains("min_p"))
        await server.stop()
    }

    @Test func aRequestPastItsDeadlineEndsWithWhatItHasAsLength() async throws {
        let (server, curl) = try await routes.startServer(requestTimeoutSeconds: 1)
        let started = ContinuousClock.now
        let response = try await completion(
            curl, server, #"{"model":"gemma-3-270m","prompt":"Once upon a time","max_tokens":900,"temperature":0}"#)
        let elapsed = ContinuousClock.now - started
        let choice = try #require((response["choices"] as? [[String: Any]])?.first)
        #expect(choice["finish_reason"] as? String == "length")
        let generated = (response["usage"] as? [String: Any])?["completion_tokens"] as? Int ?? 0
        #expect(generated > 0 && generated < 900)
        #expect(elapsed < .seconds(5), "the deadline did not end the request: \(elapsed)")
        await server.stop()
    }

    @Test func metricsAndReadyzShowTheEnginesWork() async throws {
        let (server, curl) = try await routes.startServer()
        _ = try await completion(curl, server, #"{"model":"gemma-3-270m","prompt":"Hello","max_tokens":4,"temperature":0}"#)
        let ready = try await curl.request(server.baseURL + "/readyz")
        #expect(ready.status == 200)
        let readiness = try routes.json(ready.body)
        #expect((readiness["checks"] as? [String: Bool])?["engine"] == true)
        let engine = try #require(readiness["engine"] as? [String: Any])
        #expect((engine["kv_blocks_total"] as? Int ?? 0) > 0)
        let metrics = try await curl.request(server.baseURL + "/metrics").body
        for series in [
            "warden_engine_generated_tokens_total 4", "warden_engine_requests_finished_total 1",
            "warden_engine_time_to_first_token_seconds_count 1", "warden_engine_kv_blocks ",
            "warden_engine_queued_requests 0",
        ] {
            #expect(metrics.contains(series), "missing \(series)")
        }
        await server.stop()
    }
}
