/// Parses and validates the header, metadata and tensor infos of a GGUF file held in memory (usually an mmap).
///
/// Layout (GGUF v2/v3, little-endian): magic `GGUF`, `uint32` version, `uint64` tensor count, `uint64` metadata count,
/// the metadata pairs, the tensor infos, padding to `general.alignment`, then the data section. Every count and length
/// is checked against `GGUFLimits` and against the bytes left in the file before anything is allocated, and all size
/// arithmetic is overflow-checked.
struct GGUFParser {
    /// What a successful parse yields; tensor data stays in the caller's bytes.
    struct Layout {
        var version: UInt32
        var metadata: GGUFMetadata
        var tensors: [GGUFTensorInfo]
        var alignment: Int
        /// Offset of the data section from the start of the file.
        var dataOffset: Int
        /// Bytes from `dataOffset` to the end of the file (0 when the file ends before it).
        var dataByteCount: Int
    }

    static let magic: UInt32 = 0x4655_4747  // "GGUF" read as a little-endian uint32
    static let defaultAlignment = 32
    static let maxDimensions = 4
    /// ggml's GGML_MAX_NAME is 64 bytes including the terminating zero.
    static let maxTensorNameBytes = 63

    private let limits: GGUFLimits
    private var cursor: GGUFByteCursor
    private let fileByteCount: Int
    private var arrayElementBudget: Int

    private init(bytes: UnsafeRawBufferPointer, limits: GGUFLimits) {
        self.limits = limits
        self.cursor = GGUFByteCursor(bytes, maxReadable: limits.maxHeaderByteCount)
        self.fileByteCount = bytes.count
        self.arrayElementBudget = limits.maxTotalArrayElements
    }

    /// Parses `bytes` completely or throws the first problem found.
    static func parse(_ bytes: UnsafeRawBufferPointer, limits: GGUFLimits) throws(GGUFError) -> Layout {
        var parser = GGUFParser(bytes: bytes, limits: limits)
        return try parser.parseFile()
    }

    private mutating func parseFile() throws(GGUFError) -> Layout {
        let magic = try cursor.readUInt32("magic")
        guard magic == Self.magic else {
            throw GGUFError(.badMagic, "not a GGUF file (magic is not 'GGUF')", offset: 0)
        }
        let version = try cursor.readUInt32("version")
        guard version == 2 || version == 3 else {
            let hint = version.byteSwapped == 2 || version.byteSwapped == 3 ? " (big-endian files are not supported)" : ""
            throw GGUFError(.unsupportedVersion, "version \(version) is not supported, only 2 and 3\(hint)", offset: 4)
        }
        // A tensor info takes at least 8 (name length) + 4 (dims) + 8 (one dim) + 4 (type) + 8 (offset) bytes;
        // a metadata pair at least 8 (key length) + 4 (type) + 1 (smallest value).
        let tensorCount = try cursor.readCount("tensor count", limit: limits.maxTensorCount, minimumItemBytes: 32)
        let metadataCount = try cursor.readCount(
            "metadata count", limit: limits.maxMetadataCount, minimumItemBytes: 13)

        var metadata = GGUFMetadata()
        for _ in 0..<metadataCount {
            let keyOffset = cursor.position
            let key = try cursor.readString("metadata key", maxByteCount: limits.maxKeyByteCount)
            let value = try readValue(key: key)
            guard metadata.insert(key: key, value: value) else {
                throw GGUFError(.duplicateKey, "metadata key appears twice", offset: keyOffset, subject: key)
            }
        }
        let alignment = try Self.alignment(from: metadata)

        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(tensorCount)
        var seenNames = Set<String>()
        for _ in 0..<tensorCount {
            let infoOffset = cursor.position
            let tensor = try readTensorInfo(alignment: alignment)
            guard seenNames.insert(tensor.name).inserted else {
                throw GGUFError(.duplicateTensor, "tensor name appears twice", offset: infoOffset, subject: tensor.name)
            }
            tensors.append(tensor)
        }

        let dataOffset = try cursor.alignedOffset(alignment)
        let dataByteCount = max(0, fileByteCount - dataOffset)
        for tensor in tensors {
            let (end, overflow) = tensor.offsetInDataSection.addingReportingOverflow(tensor.byteCount)
            guard !overflow, end <= dataByteCount else {
                throw GGUFError(
                    .tensorOutOfBounds,
                    "tensor data (\(tensor.byteCount) bytes at data offset \(tensor.offsetInDataSection)) "
                        + "extends past the end of the file (data section is \(dataByteCount) bytes)",
                    offset: dataOffset, subject: tensor.name)
            }
        }
        return Layout(
            version: version, metadata: metadata, tensors: tensors, alignment: alignment,
            dataOffset: dataOffset, dataByteCount: dataByteCount)
    }

    private static func alignment(from metadata: GGUFMetadata) throws(GGUFError) -> Int {
        guard let value = metadata["general.alignment"] else { return defaultAlignment }
        guard case .uint32(let raw) = value else {
            throw GGUFError(.invalidAlignment, "general.alignment must be a uint32", subject: "general.alignment")
        }
        guard raw > 0, raw & (raw - 1) == 0 else {
            throw GGUFError(
                .invalidAlignment, "general.alignment \(raw) is not a power of two", subject: "general.alignment")
        }
        return Int(raw)
    }

    // MARK: Metadata values

    private mutating func readValueType(key: String) throws(GGUFError) -> GGUFValueType {
        let offset = cursor.position
        let raw = try cursor.readUInt32("value type of a metadata entry")
        guard let type = GGUFValueType(rawValue: raw) else {
            throw GGUFError(.invalidValue, "unknown metadata value type \(raw)", offset: offset, subject: key)
        }
        return type
    }

    private mutating func readValue(key: String) throws(GGUFError) -> GGUFValue {
        let type = try readValueType(key: key)
        switch type {
        case .uint8: return .uint8(try cursor.readScalar(UInt8.self, "value"))
        case .int8: return .int8(try cursor.readScalar(Int8.self, "value"))
        case .uint16: return .uint16(try cursor.readScalar(UInt16.self, "value"))
        case .int16: return .int16(try cursor.readScalar(Int16.self, "value"))
        case .uint32: return .uint32(try cursor.readScalar(UInt32.self, "value"))
        case .int32: return .int32(try cursor.readScalar(Int32.self, "value"))
        case .uint64: return .uint64(try cursor.readScalar(UInt64.self, "value"))
        case .int64: return .int64(try cursor.readScalar(Int64.self, "value"))
        case .float32: return .float32(Float(bitPattern: try cursor.readScalar(UInt32.self, "value")))
        case .float64: return .float64(Double(bitPattern: try cursor.readScalar(UInt64.self, "value")))
        case .bool: return .bool(try readBool(key: key))
        case .string: return .string(try cursor.readString("string value", maxByteCount: limits.maxStringByteCount))
        case .array: return .array(try readArray(key: key, depth: 1))
        }
    }

    private mutating func readBool(key: String) throws(GGUFError) -> Bool {
        let offset = cursor.position
        switch try cursor.readScalar(UInt8.self, "bool value") {
        case 0: return false
        case 1: return true
        case let other: throw GGUFError(.invalidValue, "bool value is \(other), not 0 or 1", offset: offset, subject: key)
        }
    }

    private mutating func readArray(key: String, depth: Int) throws(GGUFError) -> GGUFArray {
        let offset = cursor.position
        guard depth <= limits.maxArrayNestingDepth else {
            throw GGUFError(
                .limitExceeded, "arrays nested deeper than \(limits.maxArrayNestingDepth)", offset: offset, subject: key)
        }
        let elementType = try readValueType(key: key)
        let count = try cursor.readCount(
            "array length", limit: limits.maxArrayCount, minimumItemBytes: elementType.minimumEncodedByteCount)
        guard count <= arrayElementBudget else {
            throw GGUFError(
                .limitExceeded, "metadata arrays hold more than \(limits.maxTotalArrayElements) elements in total",
                offset: offset, subject: key)
        }
        arrayElementBudget -= count
        switch elementType {
        case .uint8: return .uint8(try readScalars(UInt8.self, count))
        case .int8: return .int8(try readScalars(Int8.self, count))
        case .uint16: return .uint16(try readScalars(UInt16.self, count))
        case .int16: return .int16(try readScalars(Int16.self, count))
        case .uint32: return .uint32(try readScalars(UInt32.self, count))
        case .int32: return .int32(try readScalars(Int32.self, count))
        case .uint64: return .uint64(try readScalars(UInt64.self, count))
        case .int64: return .int64(try readScalars(Int64.self, count))
        case .float32: return .float32(try readScalars(UInt32.self, count).map { Float(bitPattern: $0) })
        case .float64: return .float64(try readScalars(UInt64.self, count).map { Double(bitPattern: $0) })
        case .bool:
            var values: [Bool] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try readBool(key: key)) }
            return .bool(values)
        case .string:
            var values: [String] = []
            values.reserveCapacity(count)
            for _ in 0..<count {
                values.append(try cursor.readString("array string", maxByteCount: limits.maxStringByteCount))
            }
            return .string(values)
        case .array:
            var values: [GGUFArray] = []
            values.reserveCapacity(count)
            for _ in 0..<count {
                values.append(try readArray(key: key, depth: depth + 1))
            }
            return .array(values)
        }
    }

    /// Reads `count` little-endian integers; the caller has checked that `count × size` bytes remain.
    private mutating func readScalars<T: FixedWidthInteger>(_: T.Type, _ count: Int) throws(GGUFError) -> [T] {
        let raw = try cursor.readBytes(count * MemoryLayout<T>.size, "array elements")
        return (0..<count).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
    }

    // MARK: Tensor infos

    private mutating func readTensorInfo(alignment: Int) throws(GGUFError) -> GGUFTensorInfo {
        let offset = cursor.position
        let name = try cursor.readString("tensor name", maxByteCount: limits.maxStringByteCount)
        guard !name.isEmpty, name.utf8.count <= Self.maxTensorNameBytes else {
            throw GGUFError(
                .invalidTensor, "tensor name must be 1 to \(Self.maxTensorNameBytes) bytes", offset: offset, subject: name)
        }
        let dimensionCount = Int(try cursor.readUInt32("tensor dimension count"))
        guard (1...Self.maxDimensions).contains(dimensionCount) else {
            throw GGUFError(
                .invalidTensor, "tensor has \(dimensionCount) dimensions, not 1 to \(Self.maxDimensions)",
                offset: offset, subject: name)
        }
        var dimensions: [Int] = []
        var elementCount = 1
        for _ in 0..<dimensionCount {
            let raw = try cursor.readUInt64("tensor dimension")
            guard raw <= UInt64(Int64.max) else {
                throw GGUFError(.invalidTensor, "tensor dimension \(raw) is out of range", offset: offset, subject: name)
            }
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: Int(raw))
            guard !overflow else {
                throw GGUFError(
                    .arithmeticOverflow, "tensor element count overflows", offset: offset, subject: name)
            }
            elementCount = product
            dimensions.append(Int(raw))
        }
        let typeOffset = cursor.position
        let rawType = try cursor.readUInt32("tensor type")
        guard let type = GGUFTensorType(rawValue: rawType) else {
            throw GGUFError(
                .unsupportedTensorType,
                "unsupported tensor type \(GGUFTensorType.ggmlName(rawType)) (supported: "
                    + GGUFTensorType.allCases.map(\.description).joined(separator: ", ") + ")",
                offset: typeOffset, subject: name)
        }
        guard let rowBytes = type.rowByteCount(elementCount: dimensions[0]) else {
            throw GGUFError(
                .invalidTensor,
                "first dimension \(dimensions[0]) is not a multiple of the \(type) block size \(type.elementsPerBlock)",
                offset: offset, subject: name)
        }
        // Checked separately from elementCount: with a zero first dimension the other dimensions can still overflow.
        var rows = 1
        for dimension in dimensions.dropFirst() {
            let (product, overflow) = rows.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw GGUFError(.arithmeticOverflow, "tensor row count overflows", offset: offset, subject: name)
            }
            rows = product
        }
        let (byteCount, overflow) = rowBytes.multipliedReportingOverflow(by: rows)
        guard !overflow else {
            throw GGUFError(.arithmeticOverflow, "tensor byte size overflows", offset: offset, subject: name)
        }
        let dataOffsetPosition = cursor.position
        let rawOffset = try cursor.readUInt64("tensor data offset")
        guard rawOffset <= UInt64(Int64.max), Int(rawOffset) % alignment == 0 else {
            throw GGUFError(
                .tensorOutOfBounds, "tensor data offset \(rawOffset) is not a multiple of the alignment \(alignment)",
                offset: dataOffsetPosition, subject: name)
        }
        return GGUFTensorInfo(
            name: name, dimensions: dimensions, type: type, offsetInDataSection: Int(rawOffset),
            elementCount: elementCount, rowCount: rows, rowByteCount: rowBytes, byteCount: byteCount)
    }
}
