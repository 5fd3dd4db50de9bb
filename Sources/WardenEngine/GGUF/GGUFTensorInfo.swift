/// The description of one tensor in a GGUF file, validated at load.
///
/// `dimensions` are in ggml order: `dimensions[0]` is the innermost (contiguous) one, so a weight matrix of
/// `rows × columns` is stored as `[columns, rows]`, each row `rowByteCount` bytes.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// The tensor's name, e.g. `blk.0.attn_q.weight` (at most 63 bytes).
    public let name: String
    /// The sizes of the 1 to 4 dimensions, innermost first.
    public let dimensions: [Int]
    /// The element type.
    public let type: GGUFTensorType
    /// The offset of the tensor's data from the start of the file's data section (a multiple of the alignment).
    public let offsetInDataSection: Int
    /// The total number of elements (the product of the dimensions).
    public let elementCount: Int
    /// The number of rows: the product of all dimensions but the first (1 for a vector).
    public let rowCount: Int
    /// The bytes of one row (`dimensions[0]` elements).
    public let rowByteCount: Int
    /// The total bytes of the tensor's data.
    public let byteCount: Int
}
