/// Recomputes record hashes (AUDIT-FORMAT.md §2) for one chain into a single reused buffer.
///
/// The verifier hashes every record of the log, so this builds the canonical bytes with plain
/// stores into memory it owns (no `[UInt8]` growth, no per-record allocation) and hashes them in
/// place. The encoding is byte for byte `CanonicalEncoding.recordBytes`; a test holds the two equal.
/// Not thread-safe: each thread that hashes uses its own instance.
final class RecordHasher {
    /// `"WARDEN-AUDIT-RECORD-V1" || u8(0) || str(log_id)`: the same for every record of a chain.
    private let prefix: [UInt8]
    /// Touched once or twice per record by one thread; unchecked so that each touch does not pay
    /// a dynamic exclusivity check (which cost ~10% of verification time).
    @exclusivity(unchecked) private var buffer: UnsafeMutableRawBufferPointer

    init(logIDBytes: [UInt8]) {
        var prefix = CanonicalEncoding.recordDomain
        CanonicalEncoding.appendUInt32(UInt32(truncatingIfNeeded: logIDBytes.count), to: &prefix)
        prefix.append(contentsOf: logIDBytes)
        self.prefix = prefix
        buffer = .allocate(byteCount: 4096, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// SHA-256 of the canonical encoding of a record with these stored columns, as if it stood at `seq`.
    func hash(
        seq: UInt64, timestamp: Int64, type: UnsafeRawBufferPointer, actor: UnsafeRawBufferPointer,
        fields: UnsafeRawBufferPointer, prevHash: UnsafeRawBufferPointer
    ) -> Digest32 {
        let length = prefix.count + 16 + 4 + type.count + 4 + actor.count + fields.count + prevHash.count
        if length > buffer.count {
            buffer.deallocate()
            buffer = .allocate(byteCount: max(length, buffer.count * 2), alignment: 16)
        }
        let start = buffer.baseAddress!
        // Plain pointer arithmetic, not nested functions: a local captured by a nested function is
        // boxed and every access to it checked at run time, which showed up in profiles.
        var out = Self.copy(prefix: prefix, to: start)
        out = Self.put(seq, at: out)
        out = Self.put(UInt64(bitPattern: timestamp), at: out)
        out = Self.put(UInt32(truncatingIfNeeded: type.count), at: out)
        out = Self.copy(type, to: out)
        out = Self.put(UInt32(truncatingIfNeeded: actor.count), at: out)
        out = Self.copy(actor, to: out)
        out = Self.copy(fields, to: out)
        out = Self.copy(prevHash, to: out)
        return Digest32.sha256(UnsafeRawBufferPointer(start: start, count: out - start))
    }

    private static func copy(prefix: [UInt8], to out: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        prefix.withUnsafeBytes { copy($0, to: out) }
    }

    private static func copy(_ bytes: UnsafeRawBufferPointer, to out: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return out }
        out.copyMemory(from: base, byteCount: bytes.count)
        return out + bytes.count
    }

    private static func put<T: FixedWidthInteger>(_ value: T, at out: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        out.storeBytes(of: value.bigEndian, as: T.self)
        return out + MemoryLayout<T>.size
    }

    /// The same, for columns held in arrays (exports and the rare mismatch classification).
    func hash(
        seq: UInt64, timestamp: Int64, type: [UInt8], actor: [UInt8], fields: [UInt8], prevHash: [UInt8]
    ) -> Digest32 {
        type.withUnsafeBytes { t in
            actor.withUnsafeBytes { a in
                fields.withUnsafeBytes { f in
                    prevHash.withUnsafeBytes { p in hash(seq: seq, timestamp: timestamp, type: t, actor: a, fields: f, prevHash: p) }
                }
            }
        }
    }
}
