import Foundation

/// One file of llama.cpp tokenizer reference cases (see Fixtures/tokenizer/PROVENANCE.md).
struct LlamaCppTokenizationFixture: Decodable {
    struct Case: Decodable, CustomTestStringConvertibleName {
        let name: String
        let text: String
        let add_bos: Bool
        let parse_special: Bool
        let ids: [Int32]
    }

    let model: String
    let cases: [Case]

    static func load(_ fileName: String) throws -> LlamaCppTokenizationFixture {
        let url = GGUFFixtures.directory.appendingPathComponent("tokenizer/\(fileName)")
        return try JSONDecoder().decode(LlamaCppTokenizationFixture.self, from: Data(contentsOf: url))
    }
}

/// Names a fixture case in test output.
protocol CustomTestStringConvertibleName {
    var name: String { get }
}
