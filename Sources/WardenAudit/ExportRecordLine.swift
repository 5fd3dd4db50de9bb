#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A fast reader for record lines in exactly the form Warden writes them (AUDIT-FORMAT.md §5).
///
/// Export verification is dominated by JSON parsing, so record lines in Warden's own form (keys
/// in the documented order, no whitespace, printable ASCII strings without escapes) are read here
/// in one pass, straight into the record's canonical fields encoding, without building JSON values,
/// dictionaries or strings. Anything else — other key orders, escapes, non-ASCII text, out-of-range
/// values, limits exceeded — is declined (nil) and goes through the strict general parser
/// (`JSONLine`), so what is accepted, and every error message, is exactly as before. A fuzz test
/// holds the two readers to the same result on every line this one accepts.
struct ExportRecordLine {
    var seq: UInt64 = 0
    var timestamp: Int64 = 0
    /// Offsets of the type and actor strings' bytes within the line.
    var type: Range<Int> = 0..<0
    var actor: Range<Int> = 0..<0
    var prevHash = Digest32.zero
    var hash = Digest32.zero
    /// The canonical fields encoding (§2), rebuilt in place for each line.
    private(set) var fields = [UInt8]()

    init() { fields.reserveCapacity(4096) }

    /// Reads `line` into `self`; false when the line is not in Warden's exact record form.
    mutating func parse(_ line: UnsafeRawBufferPointer) -> Bool {
        fields.removeAll(keepingCapacity: true)
        var cursor = Cursor(bytes: line)
        guard cursor.literal("{\"kind\":\"record\",\"seq\":"), let seq = cursor.integer(), seq >= 0,
              cursor.literal(",\"timestamp\":"), let timestamp = cursor.integer(),
              cursor.literal(",\"type\":"), let type = cursor.plainString(), Self.isValidName(line, type),
              cursor.literal(",\"actor\":"), let actor = cursor.plainString(), actor.count <= AuditEvent.maxActorBytes,
              cursor.literal(",\"fields\":["), parseFields(&cursor),
              cursor.literal(",\"prev_hash\":"), let prevHash = cursor.hexDigest(),
              cursor.literal(",\"hash\":"), let hash = cursor.hexDigest(),
              cursor.literal("}"), cursor.atEnd
        else { return false }
        self.seq = UInt64(seq)
        self.timestamp = timestamp
        self.type = type
        self.actor = actor
        self.prevHash = prevHash
        self.hash = hash
        return true
    }

    /// `field (, field)* ]` or `]`, encoding as it goes; names must be strictly increasing (so the
    /// line's order is the canonical order and there are no duplicates).
    private mutating func parseFields(_ cursor: inout Cursor) -> Bool {
        CanonicalEncoding.appendUInt32(0, to: &fields)
        var count = 0
        var previousName: Range<Int>? = nil
        if cursor.literal("]") { return true }
        while true {
            guard count < AuditEvent.maxFieldCount, cursor.literal("{\"name\":"), let name = cursor.plainString(),
                  Self.isValidName(cursor.bytes, name) else { return false }
            if let previousName {
                let before = UnsafeRawBufferPointer(rebasing: cursor.bytes[previousName])
                guard before.lexicographicallyPrecedes(UnsafeRawBufferPointer(rebasing: cursor.bytes[name])) else { return false }
            }
            previousName = name
            append(string: cursor.bytes, name)
            if cursor.literal(",\"type\":\"string\",\"value\":") {
                guard let value = cursor.plainString(), value.count <= AuditEvent.maxStringValueBytes else { return false }
                fields.append(1)
                append(string: cursor.bytes, value)
            } else if cursor.literal(",\"type\":\"integer\",\"value\":") {
                guard let value = cursor.integer() else { return false }
                fields.append(2)
                CanonicalEncoding.appendUInt64(UInt64(bitPattern: value), to: &fields)
            } else if cursor.literal(",\"type\":\"bool\",\"value\":") {
                if cursor.literal("true") {
                    fields.append(contentsOf: [3, 1])
                } else if cursor.literal("false") {
                    fields.append(contentsOf: [3, 0])
                } else {
                    return false
                }
            } else {
                return false
            }
            guard cursor.literal("}") else { return false }
            count += 1
            if cursor.literal("]") { break }
            guard cursor.literal(",") else { return false }
        }
        let n = UInt32(count)
        fields[0] = UInt8(truncatingIfNeeded: n >> 24)
        fields[1] = UInt8(truncatingIfNeeded: n >> 16)
        fields[2] = UInt8(truncatingIfNeeded: n >> 8)
        fields[3] = UInt8(truncatingIfNeeded: n)
        return true
    }

    private mutating func append(string line: UnsafeRawBufferPointer, _ range: Range<Int>) {
        CanonicalEncoding.appendUInt32(UInt32(range.count), to: &fields)
        fields.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[range]))
    }

    /// `AuditEvent.isValidName` on raw bytes: 1–128 of `a-z 0-9 . _ -`.
    private static func isValidName(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        guard !range.isEmpty, range.count <= AuditEvent.maxNameBytes else { return false }
        for i in range {
            let b = line[i]
            guard (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x5F || b == 0x2D else { return false }
        }
        return true
    }

    /// A position in the line; every read either consumes what it matched or reports no match.
    struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        var atEnd: Bool { index == bytes.count }

        mutating func literal(_ text: StaticString) -> Bool {
            // The literals are short: compare eight bytes at a time (the last word overlapping the
            // one before), which beats a call to memcmp for every key of every line.
            let count = text.utf8CodeUnitCount
            guard bytes.count - index >= count else { return false }
            let here = bytes.baseAddress! + index
            let expected = UnsafeRawPointer(text.utf8Start)
            if count >= 8 {
                var k = 0
                while k + 8 <= count {
                    guard here.loadUnaligned(fromByteOffset: k, as: UInt64.self) == expected.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                    else { return false }
                    k += 8
                }
                if k < count {
                    guard here.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                            == expected.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) else { return false }
                }
            } else {
                for k in 0..<count where here.load(fromByteOffset: k, as: UInt8.self) != expected.load(fromByteOffset: k, as: UInt8.self) {
                    return false
                }
            }
            index += count
            return true
        }

        /// A JSON string of printable ASCII with no escapes; the range of its content.
        mutating func plainString() -> Range<Int>? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let start = index + 1
            let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
            guard let quote = memchr(base + start, Int32(UInt8(ascii: "\"")), bytes.count - start) else { return nil }
            let end = UnsafeRawPointer(quote) - UnsafeRawPointer(base)
            // One branch-free pass (control characters, DEL and above, backslash), which the compiler can vectorise.
            var bad: UInt8 = 0
            for i in start..<end {
                let b = base[i]
                bad |= (b &- 0x20 >= 0x5F ? 1 : 0) | (b == UInt8(ascii: "\\") ? 1 : 0)
            }
            guard bad == 0 else { return nil }
            index = end + 1
            return start..<end
        }

        /// A JSON integer that fits Int64: optional minus, no leading zeros.
        mutating func integer() -> Int64? {
            var i = index
            let negative = i < bytes.count && bytes[i] == UInt8(ascii: "-")
            if negative { i += 1 }
            let digitsStart = i
            var magnitude: UInt64 = 0
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[i] - 0x30))
                guard !o1, !o2 else { return nil }
                magnitude = sum
                i += 1
            }
            let digits = i - digitsStart
            guard digits > 0, !(digits > 1 && bytes[digitsStart] == 0x30) else { return nil }
            let value: Int64
            if negative {
                guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
                value = Int64(truncatingIfNeeded: 0 &- magnitude)
            } else {
                guard magnitude <= UInt64(Int64.max) else { return nil }
                value = Int64(magnitude)
            }
            index = i
            return value
        }

        /// A JSON string of exactly 64 hex digits (either case).
        mutating func hexDigest() -> Digest32? {
            guard bytes.count - index >= 66, bytes[index] == UInt8(ascii: "\""), bytes[index + 65] == UInt8(ascii: "\"") else { return nil }
            guard let digest = Digest32(hex: bytes.baseAddress! + index + 1) else { return nil }
            index += 66
            return digest
        }
    }
}
