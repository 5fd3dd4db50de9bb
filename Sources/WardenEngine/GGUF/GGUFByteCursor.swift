/// A forward-only reader over untrusted bytes: every read checks the bytes remaining first and throws `truncated`
/// instead of reading past the end. Integers are little-endian, and reads need no alignment.
struct GGUFByteCursor {
    private let bytes: UnsafeRawBufferPointer
    /// The size of the whole file, which may exceed `bytes` when the header is capped.
    private let fileByteCount: Int
    /// The offset of the next byte to read.
    private(set) var position: Int = 0

    /// A cursor over the first `maxReadable` bytes of `file` (the header cap).
    init(_ file: UnsafeRawBufferPointer, maxReadable: Int = .max) {
        self.bytes = UnsafeRawBufferPointer(rebasing: file[0..<min(file.count, maxReadable)])
        self.fileByteCount = file.count
    }

    /// Bytes left after `position` within the readable part.
    var remaining: Int { bytes.count - position }

    /// Makes sure `count` more bytes exist, naming what was being read if not.
    func require(_ count: Int, for what: @autoclosure () -> String) throws(GGUFError) {
        guard count >= 0, count <= remaining else {
            if count >= 0, count <= fileByteCount - position {
                throw GGUFError(
                    .limitExceeded, "\(what()) lies beyond the \(bytes.count)-byte header limit", offset: position)
            }
            throw GGUFError(.truncated, "file ends inside \(what()) (needs \(count) bytes, \(remaining) left)", offset: position)
        }
    }

    mutating func readScalar<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(GGUFError) -> T {
        try require(MemoryLayout<T>.size, for: what())
        let value = bytes.loadUnaligned(fromByteOffset: position, as: T.self)
        position += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    mutating func readUInt32(_ what: @autoclosure () -> String) throws(GGUFError) -> UInt32 {
        try readScalar(UInt32.self, what())
    }

    mutating func readUInt64(_ what: @autoclosure () -> String) throws(GGUFError) -> UInt64 {
        try readScalar(UInt64.self, what())
    }

    /// Reads a `uint64` count or length and converts it to `Int`, checking it against `limit` and against what the rest
    /// of the file can hold when each item needs at least `minimumItemBytes`.
    mutating func readCount(
        _ what: @autoclosure () -> String, limit: Int, minimumItemBytes: Int
    ) throws(GGUFError) -> Int {
        let start = position
        let raw = try readUInt64(what())
        guard raw <= UInt64(limit) else {
            throw GGUFError(.limitExceeded, "\(what()) is \(raw), above the limit of \(limit)", offset: start)
        }
        let count = Int(raw)
        let (needed, overflow) = count.multipliedReportingOverflow(by: minimumItemBytes)
        guard !overflow, needed <= remaining else {
            if !overflow, needed <= fileByteCount - position {
                throw GGUFError(
                    .limitExceeded, "\(what()) is \(count), more than fits in the \(bytes.count)-byte header limit",
                    offset: start)
            }
            throw GGUFError(
                .truncated, "\(what()) is \(count) but only \(remaining) bytes remain in the file", offset: start)
        }
        return count
    }

    /// Reads a GGUF string (`uint64` byte length, then UTF-8 bytes). Invalid UTF-8 is repaired with U+FFFD rather
    /// than rejected: the reader must be total, and real vocabularies are valid UTF-8.
    mutating func readString(_ what: @autoclosure () -> String, maxByteCount: Int) throws(GGUFError) -> String {
        let length = try readCount("length of \(what())", limit: maxByteCount, minimumItemBytes: 1)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)])
        position += length
        return String(decoding: slice, as: UTF8.self)
    }

    /// Moves `position` forward to the next multiple of `alignment` (a power of two), or to the end of the bytes if
    /// that lies beyond them; returns the aligned offset, which may exceed the byte count.
    mutating func alignedOffset(_ alignment: Int) throws(GGUFError) -> Int {
        let (sum, overflow) = position.addingReportingOverflow(alignment - 1)
        guard !overflow else {
            throw GGUFError(.arithmeticOverflow, "data section offset overflows", offset: position)
        }
        return sum & ~(alignment - 1)
    }

    /// A view of `count` bytes at the current position, advancing past them.
    mutating func readBytes(_ count: Int, _ what: @autoclosure () -> String) throws(GGUFError) -> UnsafeRawBufferPointer {
        try require(count, for: what())
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
        position += count
        return slice
    }
}
