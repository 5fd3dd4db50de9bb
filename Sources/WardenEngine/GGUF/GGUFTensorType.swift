/// The element types of GGUF tensors that the engine can load (the ggml type ids, as stored in the file).
///
/// Quantised types store elements in fixed-size blocks: a row of `n` elements takes `n / elementsPerBlock * bytesPerBlock`
/// bytes, and `n` must be a multiple of `elementsPerBlock`. Other ggml types (Q2_K, IQ*, ...) are rejected at load with
/// `GGUFError.Code.unsupportedTensorType`.
public enum GGUFTensorType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q5_0 = 6
    case q5_1 = 7
    case q8_0 = 8
    case q4_K = 12
    case q5_K = 13
    case q6_K = 14
    case bf16 = 30

    /// Elements per block (1 for the plain float types).
    public var elementsPerBlock: Int {
        switch self {
        case .f32, .f16, .bf16: 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0: 32
        case .q4_K, .q5_K, .q6_K: 256
        }
    }

    /// Bytes per block, as laid out by ggml (`block_q4_0` = f16 scale + 16 nibble bytes = 18, and so on).
    public var bytesPerBlock: Int {
        switch self {
        case .f32: 4
        case .f16, .bf16: 2
        case .q4_0: 18  // f16 d, 16 × 2 nibbles
        case .q4_1: 20  // f16 d, f16 m, 16 bytes
        case .q5_0: 22  // f16 d, 4 bytes high bits, 16 bytes
        case .q5_1: 24  // f16 d, f16 m, 4 bytes high bits, 16 bytes
        case .q8_0: 34  // f16 d, 32 × int8
        case .q4_K: 144  // f16 d, f16 dmin, 12 bytes scales, 128 bytes nibbles
        case .q5_K: 176  // q4_K + 32 bytes high bits
        case .q6_K: 210  // 128 low nibbles, 64 high bits, 16 int8 scales, f16 d
        }
    }

    /// The name llama.cpp uses (`Q4_K`, `F32`, ...).
    public var description: String { Self.ggmlName(rawValue) }

    /// The bytes taken by one row of `elementCount` elements, or nil when the count is not a whole number of blocks
    /// or the size overflows.
    public func rowByteCount(elementCount: Int) -> Int? {
        guard elementCount >= 0, elementCount % elementsPerBlock == 0 else { return nil }
        let (bytes, overflow) = (elementCount / elementsPerBlock).multipliedReportingOverflow(by: bytesPerBlock)
        return overflow ? nil : bytes
    }

    /// The ggml name of any type id, including those the engine does not support, for error messages.
    static func ggmlName(_ id: UInt32) -> String {
        let names: [UInt32: String] = [
            0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 6: "Q5_0", 7: "Q5_1", 8: "Q8_0", 9: "Q8_1", 10: "Q2_K", 11: "Q3_K",
            12: "Q4_K", 13: "Q5_K", 14: "Q6_K", 15: "Q8_K", 16: "IQ2_XXS", 17: "IQ2_XS", 18: "IQ3_XXS", 19: "IQ1_S",
            20: "IQ4_NL", 21: "IQ3_S", 22: "IQ2_S", 23: "IQ4_XS", 24: "I8", 25: "I16", 26: "I32", 27: "I64", 28: "F64",
            29: "IQ1_M", 30: "BF16", 34: "TQ1_0", 35: "TQ2_0", 39: "MXFP4",
        ]
        return names[id] ?? "type \(id)"
    }
}
