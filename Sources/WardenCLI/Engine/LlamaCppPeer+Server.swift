import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LlamaCppPeer {
    /// Starts `llama-server --parallel N` on a free loopback port, sends `parallel` concurrent streaming `/completion`
    /// requests (distinct `promptTokens`-token prompts given as token ids, exactly `generate` tokens each: EOS is
    /// ignored) and measures the aggregate generated tokens/s and each stream's time to first token. The server is
    /// stopped before this returns, also when something fails.
    ///
    /// `prompts` gives the token ids to send (one array per stream) so that Warden and llama.cpp can be fed the same
    /// prompts; when nil, distinct pseudo-random ids are drawn from the model's vocabulary with a fixed seed.
    func serverStreams(
        model: String, parallel: Int, promptTokens: Int, generate: Int, threads: Int, prompts: [[Int32]]? = nil,
        timeout: Double = 600
    ) throws(LlamaCppPeerError) -> LlamaServerStreamsResult {
        guard parallel > 0, promptTokens > 0, generate > 0, threads > 0 else {
            throw LlamaCppPeerError(.invalidArguments, "server streams need positive streams, sizes and threads")
        }
        if let prompts, prompts.count != parallel || prompts.contains(where: { $0.isEmpty }) {
            throw LlamaCppPeerError(.invalidArguments, "give one non-empty prompt per stream")
        }
        let server = try LlamaServerProcess(
            executable: executable("llama-server"), model: model, parallel: parallel,
            context: parallel * Self.roundedUp(promptTokens + generate + 16, to: 256), threads: threads)
        defer { server.stop() }
        try server.waitUntilHealthy(timeout: 180)
        let streamPrompts: [[Int32]]
        if let prompts {
            streamPrompts = prompts
        } else {
            streamPrompts = Self.randomPrompts(
                count: parallel, length: promptTokens, vocabulary: try server.vocabularySize())
        }

        let outcomes = StreamOutcomes(count: parallel)
        let group = DispatchGroup()
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<parallel {
            group.enter()
            let port = server.port, prompt = streamPrompts[index]
            let thread = Thread {
                outcomes.set(index, Result { () throws(LlamaCppPeerError) in
                    try Self.stream(port: port, prompt: prompt, generate: generate, start: start, timeout: timeout)
                })
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        guard group.wait(timeout: .now() + timeout + 5) == .success else {
            throw LlamaCppPeerError(.serverFailed, "streams did not finish within \(Int(timeout)) s")
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var generated: [Int] = [], firstToken: [Double] = []
        for outcome in outcomes.all() {
            switch outcome {
            case .success(let stream):
                generated.append(stream.generated)
                firstToken.append(stream.timeToFirstToken)
            case .failure(let error): throw error
            case nil: throw LlamaCppPeerError(.serverFailed, "a stream ended without a result")
            }
        }
        return LlamaServerStreamsResult(
            parallel: parallel, promptTokens: streamPrompts.map(\.count).max() ?? promptTokens, threads: threads,
            generatedPerStream: generated, timeToFirstToken: firstToken, wallSeconds: wall)
    }

    /// One streaming completion: seconds from `start` to the first token event, and the tokens generated.
    private static func stream(port: Int, prompt: [Int32], generate: Int, start: UInt64, timeout: Double)
        throws(LlamaCppPeerError) -> (generated: Int, timeToFirstToken: Double)
    {
        let body: [String: Any] = [
            "prompt": prompt.map(Int.init), "n_predict": generate, "ignore_eos": true, "stream": true,
            "cache_prompt": false, "temperature": 0, "top_k": 1,
        ]
        guard let json = try? JSONSerialization.data(withJSONObject: body) else {
            throw LlamaCppPeerError(.invalidArguments, "cannot encode a completion request")
        }
        let sent = DispatchTime.now().uptimeNanoseconds
        let connection = try LoopbackHTTPConnection(port: port, timeout: timeout)
        var events = ServerSentEvents()
        var firstToken: Double?
        var tokenEvents = 0, reported: Int?
        let status = try connection.request(method: "POST", path: "/completion", body: json) { piece in
            for event in events.append(piece) {
                guard let object = try? JSONSerialization.jsonObject(with: event) as? [String: Any] else { continue }
                if object["stop"] as? Bool == true {
                    let timings = object["timings"] as? [String: Any]
                    reported = (timings?["predicted_n"] as? Int) ?? (object["tokens_predicted"] as? Int)
                    return false
                }
                tokenEvents += 1
                if firstToken == nil {
                    firstToken = Double(DispatchTime.now().uptimeNanoseconds - sent) / 1e9
                }
            }
            return true
        }
        guard status == 200 else { throw LlamaCppPeerError(.serverFailed, "/completion answered HTTP \(status)") }
        guard let firstToken, let generated = reported ?? (tokenEvents > 0 ? tokenEvents : nil) else {
            throw LlamaCppPeerError(.serverFailed, "a /completion stream ended without tokens")
        }
        _ = start
        return (generated, firstToken)
    }

    /// `count` distinct prompts of `length` ids drawn from the upper part of the vocabulary (clear of the control
    /// tokens at its start) with a fixed seed, so runs are repeatable.
    static func randomPrompts(count: Int, length: Int, vocabulary: Int) -> [[Int32]] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let low = min(1000, vocabulary / 4), span = UInt64(max(1, vocabulary - low))
        return (0..<count).map { _ in
            (0..<length).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int32(low + Int((state >> 33) % span))
            }
        }
    }
}

/// The results of concurrent streams, each written once by its own thread.
private final class StreamOutcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [Result<(generated: Int, timeToFirstToken: Double), LlamaCppPeerError>?]

    init(count: Int) { outcomes = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ outcome: Result<(generated: Int, timeToFirstToken: Double), LlamaCppPeerError>) {
        lock.withLock { outcomes[index] = outcome }
    }

    func all() -> [Result<(generated: Int, timeToFirstToken: Double), LlamaCppPeerError>?] { lock.withLock { outcomes } }
}

/// Splits a `text/event-stream` body into the JSON payloads of its `data:` lines as bytes arrive.
private struct ServerSentEvents {
    private var pending: [UInt8] = []

    mutating func append(_ bytes: ArraySlice<UInt8>) -> [Data] {
        pending.append(contentsOf: bytes)
        var events: [Data] = []
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            let line = pending[0..<newline]
            let prefix = Array("data: ".utf8)
            if line.starts(with: prefix) { events.append(Data(line.dropFirst(prefix.count))) }
            pending.removeFirst(newline + 1)
        }
        return events
    }
}
