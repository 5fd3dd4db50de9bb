import Foundation
import Testing
@testable import WardenGateway

/// The two OpenAI wire shapes of `logprobs`, checked by parsing the bytes back as JSON.
struct LogprobsJSONTests {
    static let entries = [
        TokenLogprobs(
            chosen: .init(token: " Paris", bytes: Array(" Paris".utf8), logprob: -0.25),
            top: [
                .init(token: " Paris", bytes: Array(" Paris".utf8), logprob: -0.25),
                .init(token: " Lyon", bytes: Array(" Lyon".utf8), logprob: -2.5),
            ]),
        TokenLogprobs(
            chosen: .init(token: "\u{FFFD}", bytes: [0xC3], logprob: -.infinity),
            top: [.init(token: ".", bytes: [0x2E], logprob: -0.5), .init(token: ".", bytes: [0x2E, 0x20], logprob: -1)]),
    ]

    func parse(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test("chat logprobs list each token with its bytes and alternatives, and -infinity becomes -9999")
    func chatShape() throws {
        var json = JSONWriter()
        LogprobsJSON.chat(Self.entries, into: &json)
        let object = try parse(json.bytes)
        #expect(object.keys.sorted() == ["content", "refusal"])
        let content = try #require(object["content"] as? [[String: Any]])
        #expect(content.count == 2)
        #expect(content[0]["token"] as? String == " Paris")
        #expect(content[0]["logprob"] as? Double == -0.25)
        #expect(content[0]["bytes"] as? [Int] == [32, 80, 97, 114, 105, 115])
        let top = try #require(content[0]["top_logprobs"] as? [[String: Any]])
        #expect(top.map { $0["token"] as? String } == [" Paris", " Lyon"])
        #expect(content[1]["logprob"] as? Double == -9999)
        #expect(content[1]["bytes"] as? [Int] == [0xC3])
    }

    @Test("completion logprobs are parallel lists with text offsets after the given start")
    func completionShape() throws {
        var json = JSONWriter()
        LogprobsJSON.completion(Self.entries, startOffset: 10, into: &json)
        let object = try parse(json.bytes)
        #expect(object["tokens"] as? [String] == [" Paris", "\u{FFFD}"])
        #expect(object["token_logprobs"] as? [Double] == [-0.25, -9999])
        #expect(object["text_offset"] as? [Int] == [10, 16])
        let top = try #require(object["top_logprobs"] as? [[String: Double]])
        #expect(top[0] == [" Paris": -0.25, " Lyon": -2.5])
        // Two alternatives render as "."; the more likely one is kept.
        #expect(top[1] == [".": -0.5])
    }

    @Test("a choice without requested logprobs carries an explicit null")
    func nullWhenNotRequested() throws {
        let bytes = CompletionJSON.chunk(kind: .chat, id: "x", created: 0, model: "m", text: "a", finishReason: nil)
        let object = try parse(bytes)
        let choice = try #require((object["choices"] as? [[String: Any]])?.first)
        #expect(choice["logprobs"] is NSNull)
    }
}
