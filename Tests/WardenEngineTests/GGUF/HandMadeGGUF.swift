/// Writes GGUF bytes field by field, so that tests can build files no honest writer would produce.
struct HandMadeGGUF {
    var bytes: [UInt8] = []

    /// Starts a file with the magic, a version and the two counts.
    init(version: UInt32 = 3, tensorCount: UInt64, metadataCount: UInt64) {
        bytes = Array("GGUF".utf8)
        u32(version)
        u64(tensorCount)
        u64(metadataCount)
    }

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func string(_ text: String) {
        u64(UInt64(text.utf8.count))
        bytes.append(contentsOf: text.utf8)
    }

    /// A metadata pair whose value is a uint32.
    mutating func keyUInt32(_ key: String, _ value: UInt32) {
        string(key)
        u32(4)
        u32(value)
    }

    /// A tensor info.
    mutating func tensor(_ name: String, dimensions: [UInt64], type: UInt32, offset: UInt64) {
        string(name)
        u32(UInt32(dimensions.count))
        dimensions.forEach { u64($0) }
        u32(type)
        u64(offset)
    }

    /// Pads to `alignment` and appends `count` data bytes.
    mutating func data(count: Int, alignment: Int = 32) {
        while bytes.count % alignment != 0 { bytes.append(0) }
        bytes.append(contentsOf: repeatElement(0x5A, count: count))
    }
}
