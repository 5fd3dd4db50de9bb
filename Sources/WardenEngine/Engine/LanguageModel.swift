import Foundation

/// A model loaded from a GGUF file: its validated weights (read once into private memory by `load`, then never
/// copied), hyperparameters and the file itself, from which the tokenizer and chat template are built.
public final class LanguageModel: Sendable {
    /// Where the model was loaded from.
    public let path: String
    /// The mapped file (metadata for the tokenizer and chat template).
    public let file: GGUFFile
    public let hyperparameters: ModelHyperparameters
    /// `general.name` from the file, or the file name without extension.
    public let name: String
    let weights: TransformerWeights

    public var architecture: ModelArchitecture { hyperparameters.architecture }
    /// The context length the model was trained for.
    public var contextLength: Int { hyperparameters.contextLength }
    /// Bytes of weights read for each generated token (the basis of the bandwidth ceiling).
    public var bytesReadPerToken: Int { weights.bytesReadPerToken }

    /// How far loading has come, for a progress display.
    public struct LoadProgress: Sendable {
        /// Bytes of the model brought into memory so far, and in all (the whole file when read by `load`).
        public var bytesLoaded: Int
        public var bytesTotal: Int
        public var fraction: Double { bytesTotal == 0 ? 1 : Double(bytesLoaded) / Double(bytesTotal) }
    }

    /// Reads the model at `path` into private memory (huge pages where the kernel allows: weights stream faster
    /// than through a file mapping), reporting progress, and validates it. Fails with a clear error for a file that
    /// is not GGUF, an unsupported architecture, or missing or mis-shaped tensors.
    public static func load(
        path: String, progress: (@Sendable (LoadProgress) -> Void)? = nil
    ) throws(EngineError) -> LanguageModel {
        let file: GGUFFile
        var lastReport = 0
        do {
            file = try GGUFFile(readingPath: path) { read, total in
                guard let progress, read - lastReport >= 8 << 20 || read == total else { return }
                lastReport = read
                progress(LoadProgress(bytesLoaded: read, bytesTotal: total))
            }
        } catch {
            throw EngineError(.invalidModelFile, "\(error)")
        }
        return try LanguageModel(file: file, path: path, progress: nil, faultPagesIn: false)
    }

    /// Builds a model from an already opened file (tests build files in memory with `GGUFWriter`).
    public convenience init(
        file: GGUFFile, path: String = "<memory>", progress: (@Sendable (LoadProgress) -> Void)? = nil
    ) throws(EngineError) {
        try self.init(file: file, path: path, progress: progress, faultPagesIn: true)
    }

    /// `faultPagesIn` is false when the file's bytes are resident already (`load` read them whole).
    private init(
        file: GGUFFile, path: String, progress: (@Sendable (LoadProgress) -> Void)?, faultPagesIn: Bool
    ) throws(EngineError) {
        let architectureName: String
        do { architectureName = try file.architecture() } catch { throw EngineError(.invalidModelFile, "\(error)") }
        guard let architecture = ModelArchitecture(rawValue: architectureName) else {
            let known = ModelArchitecture.allCases.map(\.rawValue).joined(separator: ", ")
            throw EngineError(
                .unsupportedArchitecture, "architecture '\(architectureName)' is not supported (supported: \(known))")
        }
        let weights = try TransformerWeights(file: file, architecture: architecture)
        self.path = path
        self.file = file
        self.weights = weights
        self.hyperparameters = weights.hyperparameters
        let fileName = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        self.name = (try? file.metadata.string("general.name")) ?? nil ?? fileName
        if faultPagesIn { Self.touchPages(file: file, progress: progress) }
    }

    /// Faults every page of the tensor data in, in order, so the first request does not pay for disk reads and the
    /// caller can show progress. Reads one byte per page. (`load` reads the file whole and skips this.)
    private static func touchPages(file: GGUFFile, progress: (@Sendable (LoadProgress) -> Void)?) {
        file.prefetch()
        let total = file.tensors.reduce(0) { $0 + $1.byteCount }
        var loaded = 0
        var checksum: UInt8 = 0
        var lastReport = 0
        for tensor in file.tensors {
            guard let bytes = try? file.bytes(of: tensor) else { continue }
            var offset = 0
            while offset < bytes.count {
                checksum &+= bytes[offset]
                offset += 4096
            }
            loaded += tensor.byteCount
            if let progress, loaded - lastReport >= 8 << 20 || loaded == total {
                lastReport = loaded
                progress(LoadProgress(bytesLoaded: loaded, bytesTotal: total))
            }
        }
        withExtendedLifetime(checksum) {}
    }
}
