import Crypto

/// A 32-byte SHA-256 value held inline in four words.
///
/// The verifier handles three hashes per record (the record, its leaf and, on average, one tree
/// node); keeping them inline instead of in `[UInt8]` removes the heap allocation, reference
/// counting and copying that dominated verification time. The words hold the bytes in memory
/// order, so equality is bytewise and `withUnsafeBytes` yields the digest as SHA-256 wrote it.
struct Digest32: Hashable, Sendable {
    private var w0: UInt64
    private var w1: UInt64
    private var w2: UInt64
    private var w3: UInt64

    static let zero = Digest32(w0: 0, w1: 0, w2: 0, w3: 0)

    private init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    /// Copies 32 bytes starting at `offset` of `raw`; the caller guarantees they are there.
    init(loading raw: UnsafeRawBufferPointer, at offset: Int = 0) {
        precondition(offset >= 0 && raw.count - offset >= 32, "a digest needs 32 bytes")
        w0 = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        w1 = raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)
        w2 = raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)
        w3 = raw.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self)
    }

    init(_ digest: SHA256Digest) {
        self = digest.withUnsafeBytes { Digest32(loading: $0) }
    }

    /// Nil unless `bytes` holds exactly 32 bytes.
    init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        let array = Array(bytes)
        self = array.withUnsafeBytes { Digest32(loading: $0) }
    }

    /// Decodes the 64 hex digits (either case) at `text`; nil if any is not a hex digit.
    init?(hex text: UnsafeRawPointer) {
        var digest = Digest32.zero
        var invalid: UInt8 = 0
        Self.hexValues.withUnsafeBufferPointer { values in
            Swift.withUnsafeMutableBytes(of: &digest) { out in
                for k in 0..<32 {
                    let hi = values[Int(text.load(fromByteOffset: 2 * k, as: UInt8.self))]
                    let lo = values[Int(text.load(fromByteOffset: 2 * k + 1, as: UInt8.self))]
                    invalid |= hi | lo
                    out[k] = hi << 4 | (lo & 0x0F)
                }
            }
        }
        guard invalid & 0xF0 == 0 else { return nil }
        self = digest
    }

    /// Value of each byte as a hex digit, or 0xFF.
    private static let hexValues: [UInt8] = (0..<256).map { c in
        switch c {
        case 0x30...0x39: UInt8(c - 0x30)
        case 0x61...0x66: UInt8(c - 0x61 + 10)
        case 0x41...0x46: UInt8(c - 0x41 + 10)
        default: 0xFF
        }
    }

    var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var copy = self
        return try Swift.withUnsafeBytes(of: &copy) { try body($0) }
    }

    /// Writes the 32 bytes at `offset` of `raw`; the caller guarantees the room.
    func store(into raw: UnsafeMutableRawBufferPointer, at offset: Int) {
        precondition(offset >= 0 && raw.count - offset >= 32, "a digest needs 32 bytes")
        raw.storeBytes(of: w0, toByteOffset: offset, as: UInt64.self)
        raw.storeBytes(of: w1, toByteOffset: offset + 8, as: UInt64.self)
        raw.storeBytes(of: w2, toByteOffset: offset + 16, as: UInt64.self)
        raw.storeBytes(of: w3, toByteOffset: offset + 24, as: UInt64.self)
    }

    /// True when `raw` is exactly these 32 bytes (false for any other length).
    func matches(_ raw: UnsafeRawBufferPointer) -> Bool {
        raw.count == 32 && self == Digest32(loading: raw)
    }

    // MARK: Hashing without allocation

    /// SHA-256 of `bytes`.
    static func sha256(_ bytes: UnsafeRawBufferPointer) -> Digest32 {
        var hasher = SHA256()
        hasher.update(bufferPointer: bytes)
        return Digest32(hasher.finalize())
    }

    /// RFC 9162 leaf hash of a record hash: SHA-256(0x00 || record hash).
    static func leafHash(of recordHash: Digest32) -> Digest32 {
        withUnsafeTemporaryAllocation(byteCount: 33, alignment: 8) { buffer in
            buffer.storeBytes(of: 0x00, toByteOffset: 0, as: UInt8.self)
            recordHash.store(into: buffer, at: 1)
            return sha256(UnsafeRawBufferPointer(buffer))
        }
    }

    /// RFC 9162 interior node hash: SHA-256(0x01 || left || right).
    static func nodeHash(_ left: Digest32, _ right: Digest32) -> Digest32 {
        withUnsafeTemporaryAllocation(byteCount: 65, alignment: 8) { buffer in
            buffer.storeBytes(of: 0x01, toByteOffset: 0, as: UInt8.self)
            left.store(into: buffer, at: 1)
            right.store(into: buffer, at: 33)
            return sha256(UnsafeRawBufferPointer(buffer))
        }
    }
}
