#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds GGUF files (version 3, little-endian): used by tests to write small synthetic models and hostile files, and
/// by tools that need to emit a model. Everything is held in memory, so it is meant for small files.
///
/// ```swift
/// var writer = GGUFWriter()
/// writer.setValue(.string("llama"), forKey: "general.architecture")
/// try writer.addTensor(named: "token_embd.weight", dimensions: [64, 392], floats: embedding)
/// try writer.write(toPath: path)
/// ```
public struct GGUFWriter: Sendable {
    private struct PendingTensor: Sendable {
        var name: String
        var type: GGUFTensorType
        var dimensions: [Int]
        var data: [UInt8]
    }

    /// The data alignment; written as `general.alignment` when it is not the default 32.
    public let alignment: Int
    /// The version number written in the header (2 and 3 share one layout).
    public var version: UInt32 = 3
    private var metadata = GGUFMetadata()
    private var pendingTensors: [PendingTensor] = []

    /// Creates an empty writer. `alignment` must be a power of two.
    public init(alignment: Int = 32) throws(GGUFError) {
        guard alignment > 0, alignment <= Int(UInt32.max), alignment & (alignment - 1) == 0 else {
            throw GGUFError(.invalidAlignment, "alignment \(alignment) is not a power of two", subject: "general.alignment")
        }
        self.alignment = alignment
        if alignment != GGUFParser.defaultAlignment {
            metadata.set(key: "general.alignment", value: .uint32(UInt32(alignment)))
        }
    }

    /// Sets (or replaces) a metadata value. Setting `general.alignment` here is not allowed to disagree with `alignment`
    /// for a valid file, but is not prevented, so that tests can write inconsistent files on purpose.
    public mutating func setValue(_ value: GGUFValue, forKey key: String) {
        metadata.set(key: key, value: value)
    }

    /// Adds a tensor whose raw data is already encoded in `type`'s layout; checks the byte count against the shape.
    public mutating func addTensor(
        named name: String, type: GGUFTensorType, dimensions: [Int], data: [UInt8]
    ) throws(GGUFError) {
        guard (1...GGUFParser.maxDimensions).contains(dimensions.count), dimensions.allSatisfy({ $0 >= 0 }) else {
            throw GGUFError(.invalidTensor, "a tensor needs 1 to 4 non-negative dimensions", subject: name)
        }
        guard let rowBytes = type.rowByteCount(elementCount: dimensions[0]) else {
            throw GGUFError(.invalidTensor, "first dimension is not a multiple of the block size", subject: name)
        }
        var expected = rowBytes
        for dimension in dimensions.dropFirst() {
            let (product, overflow) = expected.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw GGUFError(.arithmeticOverflow, "tensor size overflows", subject: name) }
            expected = product
        }
        guard data.count == expected else {
            throw GGUFError(
                .invalidTensor, "data has \(data.count) bytes but the shape needs \(expected)", subject: name)
        }
        pendingTensors.append(PendingTensor(name: name, type: type, dimensions: dimensions, data: data))
    }

    /// Adds an F32 tensor from its values (innermost dimension first, as ggml stores them).
    public mutating func addTensor(named name: String, dimensions: [Int], floats: [Float]) throws(GGUFError) {
        var data: [UInt8] = []
        data.reserveCapacity(floats.count * 4)
        for value in floats { Self.append(value.bitPattern, to: &data) }
        try addTensor(named: name, type: .f32, dimensions: dimensions, data: data)
    }

    /// The complete file.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        Self.append(GGUFParser.magic, to: &out)
        Self.append(version, to: &out)
        Self.append(UInt64(pendingTensors.count), to: &out)
        Self.append(UInt64(metadata.count), to: &out)
        for key in metadata.keys {
            Self.appendString(key, to: &out)
            if let value = metadata[key] { Self.appendValue(value, to: &out) }
        }
        var dataOffsets: [Int] = []
        var nextOffset = 0
        for tensor in pendingTensors {
            dataOffsets.append(nextOffset)
            nextOffset = Self.alignUp(nextOffset + tensor.data.count, alignment)
        }
        for (tensor, offset) in zip(pendingTensors, dataOffsets) {
            Self.appendString(tensor.name, to: &out)
            Self.append(UInt32(tensor.dimensions.count), to: &out)
            for dimension in tensor.dimensions { Self.append(UInt64(dimension), to: &out) }
            Self.append(tensor.type.rawValue, to: &out)
            Self.append(UInt64(offset), to: &out)
        }
        let dataStart = Self.alignUp(out.count, alignment)
        out.append(contentsOf: repeatElement(0, count: dataStart - out.count))
        for (tensor, offset) in zip(pendingTensors, dataOffsets) {
            out.append(contentsOf: repeatElement(0, count: dataStart + offset - out.count))
            out.append(contentsOf: tensor.data)
        }
        return out
    }

    /// Writes the file to `path` (created or truncated, mode 0644).
    public func write(toPath path: String) throws(GGUFError) {
        let bytes = serialized()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw GGUFError(.io, "cannot create the file (errno \(errno))", subject: path) }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                systemWrite(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { throw GGUFError(.io, "cannot write the file (errno \(errno))", subject: path) }
            written += result
        }
    }

    // MARK: Encoding

    private static func alignUp(_ value: Int, _ alignment: Int) -> Int {
        (value + alignment - 1) / alignment * alignment
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func appendString(_ string: String, to out: inout [UInt8]) {
        append(UInt64(string.utf8.count), to: &out)
        out.append(contentsOf: string.utf8)
    }

    private static func appendValue(_ value: GGUFValue, to out: inout [UInt8]) {
        append(value.type.rawValue, to: &out)
        appendPayload(value, to: &out)
    }

    private static func appendPayload(_ value: GGUFValue, to out: inout [UInt8]) {
        switch value {
        case .uint8(let v): append(v, to: &out)
        case .int8(let v): append(v, to: &out)
        case .uint16(let v): append(v, to: &out)
        case .int16(let v): append(v, to: &out)
        case .uint32(let v): append(v, to: &out)
        case .int32(let v): append(v, to: &out)
        case .uint64(let v): append(v, to: &out)
        case .int64(let v): append(v, to: &out)
        case .float32(let v): append(v.bitPattern, to: &out)
        case .float64(let v): append(v.bitPattern, to: &out)
        case .bool(let v): append(UInt8(v ? 1 : 0), to: &out)
        case .string(let v): appendString(v, to: &out)
        case .array(let array): appendArray(array, to: &out)
        }
    }

    private static func appendArray(_ array: GGUFArray, to out: inout [UInt8]) {
        append(array.elementType.rawValue, to: &out)
        append(UInt64(array.count), to: &out)
        switch array {
        case .uint8(let a): a.forEach { append($0, to: &out) }
        case .int8(let a): a.forEach { append($0, to: &out) }
        case .uint16(let a): a.forEach { append($0, to: &out) }
        case .int16(let a): a.forEach { append($0, to: &out) }
        case .uint32(let a): a.forEach { append($0, to: &out) }
        case .int32(let a): a.forEach { append($0, to: &out) }
        case .uint64(let a): a.forEach { append($0, to: &out) }
        case .int64(let a): a.forEach { append($0, to: &out) }
        case .float32(let a): a.forEach { append($0.bitPattern, to: &out) }
        case .float64(let a): a.forEach { append($0.bitPattern, to: &out) }
        case .bool(let a): a.forEach { append(UInt8($0 ? 1 : 0), to: &out) }
        case .string(let a): a.forEach { appendString($0, to: &out) }
        case .array(let a): a.forEach { appendArray($0, to: &out) }
        }
    }
}

/// `write(2)`, named apart from `GGUFWriter.write(toPath:)`.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
