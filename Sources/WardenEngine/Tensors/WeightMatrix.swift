import CWardenKernels

/// A weight matrix viewed in place inside the memory-mapped model file: `rows` rows of `columns` values of `type`.
///
/// Nothing is copied or dequantized: kernels read the quantized blocks directly. The pointer stays valid while the
/// `GGUFFile` it came from is alive, which `TransformerWeights` guarantees by holding the file.
public struct WeightMatrix: @unchecked Sendable {
    /// The tensor name in the model file.
    public let name: String
    public let type: GGUFTensorType
    /// Output features (ggml's second dimension).
    public let rows: Int
    /// Input features (ggml's first, contiguous dimension).
    public let columns: Int
    /// Bytes from one row to the next.
    public let rowByteCount: Int
    let base: UnsafeRawPointer

    /// Views `info` from `file`, checking that the kernels support its type and that its shape is a matrix.
    init(file: GGUFFile, info: GGUFTensorInfo) throws(EngineError) {
        guard wk_type_supported(Int32(info.type.rawValue)) != 0 else {
            throw EngineError(.invalidTensor, "tensor \(info.name) has type \(info.type), which the kernels do not support")
        }
        guard info.dimensions.count <= 2, info.dimensions[0] > 0, info.rowCount > 0 else {
            throw EngineError(.invalidTensor, "tensor \(info.name) is not a matrix: \(info.dimensions)")
        }
        let bytes: UnsafeRawBufferPointer
        do { bytes = try file.bytes(of: info) } catch { throw EngineError(.invalidTensor, "\(error)") }
        guard let base = bytes.baseAddress, bytes.count == info.rowByteCount * info.rowCount else {
            throw EngineError(.invalidTensor, "tensor \(info.name) has no data")
        }
        self.name = info.name
        self.type = info.type
        self.rows = info.rowCount
        self.columns = info.dimensions[0]
        self.rowByteCount = info.rowByteCount
        self.base = base
    }

    /// The bytes of row `row`.
    func rowPointer(_ row: Int) -> UnsafeRawPointer { base + row * rowByteCount }

    /// Bytes of the whole matrix.
    public var byteCount: Int { rows * rowByteCount }

    /// Row `row` as floats, into `destination` (`columns` values).
    func dequantizeRow(_ row: Int, into destination: UnsafeMutablePointer<Float>) {
        wk_dequantize(Int32(type.rawValue), rowPointer(row), destination, Int64(columns))
    }

    /// The whole matrix as floats (for small tensors such as norms and biases).
    func dequantizedValues() -> [Float] {
        [Float](unsafeUninitializedCapacity: rows * columns) { buffer, count in
            wk_dequantize(Int32(type.rawValue), base, buffer.baseAddress!, Int64(rows * columns))
            count = rows * columns
        }
    }
}
