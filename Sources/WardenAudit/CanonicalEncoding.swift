import Crypto

/// The canonical byte encoding of records and checkpoints (AUDIT-FORMAT.md §2 and §4).
///
/// Every variable-length item is length-prefixed and every integer has a fixed width, so two
/// different records can never encode to the same bytes; each structure starts with its own
/// domain tag so a record can never be mistaken for a checkpoint or a Merkle node.
enum CanonicalEncoding {
    static let recordDomain = Array("WARDEN-AUDIT-RECORD-V1".utf8) + [0]
    static let checkpointDomain = Array("WARDEN-AUDIT-CHECKPOINT-V1".utf8) + [0]

    // MARK: Primitive writers

    static func appendUInt32(_ v: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: v >> 24))
        out.append(UInt8(truncatingIfNeeded: v >> 16))
        out.append(UInt8(truncatingIfNeeded: v >> 8))
        out.append(UInt8(truncatingIfNeeded: v))
    }

    static func appendUInt64(_ v: UInt64, to out: inout [UInt8]) {
        var shift: UInt64 = 56
        while true {
            out.append(UInt8(truncatingIfNeeded: v >> shift))
            if shift == 0 { break }
            shift -= 8
        }
    }

    static func appendString(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { utf8 in
            appendUInt32(UInt32(utf8.count), to: &out)
            out.append(contentsOf: utf8)
        }
    }

    // MARK: Fields

    /// Encodes the fields as stored in the `fields` column and hashed inside the record:
    /// a u32 count, then each field sorted by the bytes of its name.
    static func encodeFields(_ fields: [String: AuditFieldValue]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(16 + fields.count * 48)
        appendUInt32(UInt32(fields.count), to: &out)
        let sorted = fields.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        for (name, value) in sorted {
            appendString(name, to: &out)
            out.append(value.tag)
            switch value {
            case .string(let s): appendString(s, to: &out)
            case .integer(let i): appendUInt64(UInt64(bitPattern: i), to: &out)
            case .bool(let b): out.append(b ? 1 : 0)
            }
        }
        return out
    }

    /// Decodes a fields blob read from storage. Untrusted input: every length is bounds-checked,
    /// and names must be valid, strictly increasing (so each blob has exactly one accepted form).
    static func decodeFields(_ bytes: some Collection<UInt8>) throws(AuditError) -> [String: AuditFieldValue] {
        var reader = ByteReader(Array(bytes))
        let count = try reader.readUInt32()
        guard count <= UInt32(AuditEvent.maxFieldCount) else {
            throw AuditError(.malformedInput, "fields blob declares too many fields")
        }
        var fields = [String: AuditFieldValue]()
        var previousName: [UInt8]? = nil
        for _ in 0..<count {
            let nameBytes = try reader.readLengthPrefixed(max: AuditEvent.maxNameBytes)
            let name = String(decoding: nameBytes, as: UTF8.self)
            guard AuditEvent.isValidName(name) else { throw AuditError(.malformedInput, "invalid field name") }
            if let previousName, !previousName.lexicographicallyPrecedes(nameBytes) {
                throw AuditError(.malformedInput, "field names not in strictly increasing order")
            }
            previousName = nameBytes
            switch try reader.readByte() {
            case 1:
                let valueBytes = try reader.readLengthPrefixed(max: AuditEvent.maxStringValueBytes)
                guard let s = String(validating: valueBytes, as: UTF8.self) else {
                    throw AuditError(.malformedInput, "string field is not valid UTF-8")
                }
                fields[name] = .string(s)
            case 2: fields[name] = .integer(Int64(bitPattern: try reader.readUInt64()))
            case 3:
                let b = try reader.readByte()
                guard b <= 1 else { throw AuditError(.malformedInput, "bool field is neither 0 nor 1") }
                fields[name] = .bool(b == 1)
            default: throw AuditError(.malformedInput, "unknown field type tag")
            }
        }
        guard reader.isAtEnd else { throw AuditError(.malformedInput, "trailing bytes after fields") }
        return fields
    }

    // MARK: Records

    /// The bytes whose SHA-256 is the record hash. `fieldsBlob` is `encodeFields(...)`.
    static func recordBytes(
        logID: String, seq: UInt64, timestamp: Int64, type: String, actor: String,
        fieldsBlob: some Collection<UInt8>, prevHash: some Collection<UInt8>, into out: inout [UInt8]
    ) {
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: recordDomain)
        appendString(logID, to: &out)
        appendUInt64(seq, to: &out)
        appendUInt64(UInt64(bitPattern: timestamp), to: &out)
        appendString(type, to: &out)
        appendString(actor, to: &out)
        out.append(contentsOf: fieldsBlob)
        out.append(contentsOf: prevHash)
    }

    static func recordHash(
        logID: String, seq: UInt64, timestamp: Int64, type: String, actor: String,
        fieldsBlob: some Collection<UInt8>, prevHash: some Collection<UInt8>, scratch: inout [UInt8]
    ) -> [UInt8] {
        recordBytes(logID: logID, seq: seq, timestamp: timestamp, type: type, actor: actor,
                    fieldsBlob: fieldsBlob, prevHash: prevHash, into: &scratch)
        return Array(SHA256.hash(data: scratch))
    }

    // MARK: Checkpoints

    /// The bytes an Ed25519 checkpoint signature covers.
    static func checkpointBytes(logID: String, treeSize: UInt64, rootHash: [UInt8], timestamp: Int64) -> [UInt8] {
        var out = checkpointDomain
        appendString(logID, to: &out)
        appendUInt64(treeSize, to: &out)
        out.append(contentsOf: rootHash)
        appendUInt64(UInt64(bitPattern: timestamp), to: &out)
        return out
    }
}

/// A bounds-checked cursor over untrusted bytes.
struct ByteReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func readByte() throws(AuditError) -> UInt8 {
        guard offset < bytes.count else { throw AuditError(.malformedInput, "truncated encoding") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readUInt32() throws(AuditError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 { v = v << 8 | UInt32(try readByte()) }
        return v
    }

    mutating func readUInt64() throws(AuditError) -> UInt64 {
        var v: UInt64 = 0
        for _ in 0..<8 { v = v << 8 | UInt64(try readByte()) }
        return v
    }

    mutating func readLengthPrefixed(max: Int) throws(AuditError) -> [UInt8] {
        let length = Int(try readUInt32())
        guard length <= max, length <= bytes.count - offset else {
            throw AuditError(.malformedInput, "length prefix out of bounds")
        }
        defer { offset += length }
        return Array(bytes[offset..<(offset + length)])
    }
}
