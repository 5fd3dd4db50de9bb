/// The type tag of a GGUF metadata value, as stored in the file (a little-endian `uint32`).
public enum GGUFValueType: UInt32, Sendable, CaseIterable {
    case uint8 = 0
    case int8 = 1
    case uint16 = 2
    case int16 = 3
    case uint32 = 4
    case int32 = 5
    case float32 = 6
    case bool = 7
    case string = 8
    case array = 9
    case uint64 = 10
    case int64 = 11
    case float64 = 12

    /// The encoded size of a scalar of this type, or nil for strings and arrays (variable length).
    var scalarByteCount: Int? {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64: 8
        case .string, .array: nil
        }
    }

    /// The fewest bytes one value of this type can occupy, used to reject counts the rest of the file cannot hold
    /// before anything is allocated: a string is at least its 8-byte length, an array its 4-byte type and 8-byte count.
    var minimumEncodedByteCount: Int {
        switch self {
        case .string: 8
        case .array: 12
        default: scalarByteCount ?? 1
        }
    }
}
