/// Caps the reader applies on top of "it must fit in the file", so that a hostile file cannot make it allocate or loop
/// far beyond what a real model needs. The defaults are generous for every model the engine supports (a 262k-token
/// vocabulary, a 10 kB chat template, a few thousand tensors).
public struct GGUFLimits: Sendable, Equatable {
    /// Most metadata key/value pairs.
    public var maxMetadataCount: Int = 1 << 16
    /// Most tensors.
    public var maxTensorCount: Int = 1 << 16
    /// Longest metadata key, in bytes (the GGUF specification caps keys at 65,535 bytes; real keys are short).
    public var maxKeyByteCount: Int = 65_535
    /// Longest string (value or array element), in bytes.
    public var maxStringByteCount: Int = 1 << 24
    /// Most elements in one array.
    public var maxArrayCount: Int = 1 << 24
    /// Deepest nesting of arrays inside arrays (1 = arrays of scalars or strings only).
    public var maxArrayNestingDepth: Int = 3
    /// Most elements in all metadata arrays together, bounding the memory metadata can take.
    public var maxTotalArrayElements: Int = 1 << 26

    /// Most bytes of header (metadata and tensor infos) read into memory. Tensor data is not counted: it stays in
    /// the mapping. Real headers are a few MiB (Gemma 3's 262k-token vocabulary is 6.5 MB).
    public var maxHeaderByteCount: Int = 256 << 20

    /// The default limits.
    public static let `default` = GGUFLimits()

    public init() {}
}
