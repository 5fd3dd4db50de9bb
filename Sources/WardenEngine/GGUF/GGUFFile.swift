/// A validated GGUF model file, memory-mapped read-only.
///
/// Opening parses and checks the whole header (metadata, tensor infos, alignment, every tensor's byte range) before
/// returning, so once you hold a `GGUFFile` every tensor in `tensors` is known to lie inside the file with the size its
/// type and shape imply. Tensor data is not copied: `bytes(of:)` returns a view into the mapping.
///
/// ```swift
/// let file = try GGUFFile(path: "/models/gemma-3-270m-q4_k_m.gguf")
/// let architecture = try file.metadata.requiredString("general.architecture")
/// let embedding = try file.tensor(named: "token_embd.weight")
/// let raw = try file.bytes(of: embedding)  // embedding.byteCount bytes, valid while `file` is alive
/// ```
///
/// Lifetime: the buffers returned by `bytes(of:)` point into memory owned by this object. Keep the `GGUFFile` alive
/// (store it beside the weights that use it) for as long as you use them. The class is immutable and `Sendable`.
public final class GGUFFile: Sendable {
    /// The format version (2 or 3).
    public let version: UInt32
    /// All metadata pairs.
    public let metadata: GGUFMetadata
    /// The tensor infos in file order.
    public let tensors: [GGUFTensorInfo]
    /// The data alignment (`general.alignment`, default 32).
    public let alignment: Int
    /// The offset of the data section from the start of the file.
    public let dataOffset: Int
    /// The size of the whole file in bytes.
    public var fileByteCount: Int { storage.bytes.count }

    private let storage: GGUFMappedBytes
    private let dataByteCount: Int
    private let tensorIndexByName: [String: Int]

    /// Maps and validates the GGUF file at `path`.
    public convenience init(path: String, limits: GGUFLimits = .default) throws(GGUFError) {
        try self.init(storage: GGUFMappedBytes(mappingFileAt: path), limits: limits)
    }

    /// Reads the GGUF file at `path` into private memory backed by huge pages where the kernel allows (see
    /// `GGUFMappedBytes.init(readingFileAt:progress:)`), calling `progress(bytesRead, bytesTotal)`, and validates it.
    /// What the engine uses: weights stream faster than through a file mapping's 4 KiB pages.
    public convenience init(
        readingPath path: String, limits: GGUFLimits = .default, progress: ((Int, Int) -> Void)? = nil
    ) throws(GGUFError) {
        try self.init(storage: GGUFMappedBytes(readingFileAt: path, progress: progress), limits: limits)
    }

    /// Validates a GGUF file held in memory (the bytes are copied). Useful for tests and for files built by `GGUFWriter`.
    public convenience init(bytes: [UInt8], limits: GGUFLimits = .default) throws(GGUFError) {
        try self.init(storage: GGUFMappedBytes(copying: bytes), limits: limits)
    }

    private init(storage: GGUFMappedBytes, limits: GGUFLimits) throws(GGUFError) {
        let layout = try GGUFParser.parse(storage.bytes, limits: limits)
        self.storage = storage
        self.version = layout.version
        self.metadata = layout.metadata
        self.tensors = layout.tensors
        self.alignment = layout.alignment
        self.dataOffset = layout.dataOffset
        self.dataByteCount = layout.dataByteCount
        var index: [String: Int] = [:]
        for (position, tensor) in layout.tensors.enumerated() { index[tensor.name] = position }
        self.tensorIndexByName = index
    }

    /// The architecture name from `general.architecture` (e.g. `gemma3`, `llama`, `qwen2`).
    public func architecture() throws(GGUFError) -> String {
        try metadata.requiredString("general.architecture")
    }

    /// The tensor info called `name`; throws `tensorNotFound` if there is none.
    public func tensor(named name: String) throws(GGUFError) -> GGUFTensorInfo {
        guard let position = tensorIndexByName[name] else {
            throw GGUFError(.tensorNotFound, "no tensor with this name", subject: name)
        }
        return tensors[position]
    }

    /// Whether a tensor called `name` exists.
    public func hasTensor(named name: String) -> Bool { tensorIndexByName[name] != nil }

    /// The raw bytes of `tensor` (exactly `tensor.byteCount` bytes, aligned to `alignment` relative to the file start),
    /// valid while this `GGUFFile` is alive. The range is checked again here, so an info from another file cannot
    /// read out of bounds.
    public func bytes(of tensor: GGUFTensorInfo) throws(GGUFError) -> UnsafeRawBufferPointer {
        let (end, overflow) = tensor.offsetInDataSection.addingReportingOverflow(tensor.byteCount)
        guard tensor.offsetInDataSection >= 0, tensor.byteCount >= 0, !overflow, end <= dataByteCount else {
            throw GGUFError(.tensorOutOfBounds, "tensor range lies outside this file's data section", subject: tensor.name)
        }
        let start = dataOffset + tensor.offsetInDataSection
        return UnsafeRawBufferPointer(rebasing: storage.bytes[start..<(start + tensor.byteCount)])
    }

    /// The raw bytes of the tensor called `name`.
    public func bytes(ofTensorNamed name: String) throws(GGUFError) -> UnsafeRawBufferPointer {
        try bytes(of: tensor(named: name))
    }

    /// Asks the operating system to start reading the whole file into the page cache, so the first forward pass does
    /// not fault page by page. A hint only.
    public func prefetch() {
        storage.adviseWillNeed()
    }
}
