/// The JSON-lines forms of records and checkpoints shared by exports and the witness file
/// (AUDIT-FORMAT.md §5). Written by hand so that key order and number forms are fixed; parsed
/// with `JSONValue` (strict) and then checked field by field, since the input is untrusted.
enum JSONLine {
    /// Longest line accepted when reading (a record with 64 maximal string fields fits easily).
    static let maxLineBytes = 2 * 1024 * 1024

    static func quote(_ s: String, into out: inout String) {
        out.append("\"")
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out.append("\"")
    }

    static func checkpoint(_ c: AuditCheckpoint) -> String {
        var s = "{\"kind\":\"checkpoint\",\"log_id\":"
        quote(c.logID, into: &s)
        s += ",\"tree_size\":\(c.treeSize),\"root\":\"\(Hex.encode(c.rootHash))\",\"timestamp\":\(c.timestamp)"
        s += ",\"key_id\":"
        quote(c.keyID, into: &s)
        s += ",\"signature\":\"\(Hex.encode(c.signature))\"}"
        return s
    }

    static func record(_ r: AuditRecord) -> String {
        var s = "{\"kind\":\"record\",\"seq\":\(r.seq),\"timestamp\":\(r.timestamp),\"type\":"
        quote(r.event.type.rawValue, into: &s)
        s += ",\"actor\":"
        quote(r.event.actor, into: &s)
        s += ",\"fields\":["
        let sorted = r.event.fields.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        for (i, (name, value)) in sorted.enumerated() {
            if i > 0 { s += "," }
            s += "{\"name\":"
            quote(name, into: &s)
            switch value {
            case .string(let v):
                s += ",\"type\":\"string\",\"value\":"
                quote(v, into: &s)
            case .integer(let v): s += ",\"type\":\"integer\",\"value\":\(v)"
            case .bool(let v): s += ",\"type\":\"bool\",\"value\":\(v)"
            }
            s += "}"
        }
        s += "],\"prev_hash\":\"\(Hex.encode(r.prevHash))\",\"hash\":\"\(Hex.encode(r.hash))\"}"
        return s
    }

    // MARK: Parsing

    typealias Object = [String: JSONValue]

    static func object(_ line: some Collection<UInt8>) throws(AuditError) -> Object {
        guard line.count <= maxLineBytes else { throw AuditError(.malformedInput, "line longer than \(maxLineBytes) bytes") }
        guard case .object(let o) = try JSONValue.parse(line) else { throw AuditError(.malformedInput, "line is not a JSON object") }
        return o
    }

    static func string(_ o: Object, _ key: String) throws(AuditError) -> String {
        guard case .string(let v)? = o[key] else { throw AuditError(.malformedInput, "missing or non-string \"\(key)\"") }
        return v
    }

    static func integer(_ o: Object, _ key: String) throws(AuditError) -> Int64 {
        guard case .integer(let v)? = o[key] else { throw AuditError(.malformedInput, "missing or non-integer \"\(key)\"") }
        return v
    }

    static func unsigned(_ o: Object, _ key: String) throws(AuditError) -> UInt64 {
        let v = try integer(o, key)
        guard v >= 0 else { throw AuditError(.malformedInput, "\"\(key)\" is negative") }
        return UInt64(v)
    }

    static func hex(_ o: Object, _ key: String, count: Int) throws(AuditError) -> [UInt8] {
        guard let bytes = Hex.decode(try string(o, key)), bytes.count == count else {
            throw AuditError(.malformedInput, "\"\(key)\" is not \(count) bytes of hex")
        }
        return bytes
    }

    static func hexList(_ o: Object, _ key: String) throws(AuditError) -> [[UInt8]] {
        guard case .array(let items)? = o[key], items.count <= 128 else {
            throw AuditError(.malformedInput, "missing or oversized \"\(key)\" list")
        }
        var out = [[UInt8]]()
        for item in items {
            guard case .string(let s) = item, let bytes = Hex.decode(s), bytes.count == 32 else {
                throw AuditError(.malformedInput, "\"\(key)\" holds a value that is not 32 bytes of hex")
            }
            out.append(bytes)
        }
        return out
    }

    static func parseCheckpoint(_ o: Object) throws(AuditError) -> AuditCheckpoint {
        guard try string(o, "kind") == "checkpoint" else { throw AuditError(.malformedInput, "not a checkpoint line") }
        return AuditCheckpoint(
            logID: try string(o, "log_id"), treeSize: try unsigned(o, "tree_size"), rootHash: try hex(o, "root", count: 32),
            timestamp: try integer(o, "timestamp"), keyID: try string(o, "key_id"), signature: try hex(o, "signature", count: 64)
        )
    }

    static func parseRecord(_ o: Object) throws(AuditError) -> AuditRecord {
        guard case .array(let list)? = o["fields"] else { throw AuditError(.malformedInput, "missing \"fields\" array") }
        var fields = [String: AuditFieldValue]()
        for item in list {
            guard case .object(let f) = item else { throw AuditError(.malformedInput, "field is not an object") }
            let name = try string(f, "name")
            guard fields[name] == nil else { throw AuditError(.malformedInput, "duplicate field name") }
            switch (try string(f, "type"), f["value"]) {
            case ("string", .string(let v)?): fields[name] = .string(v)
            case ("integer", .integer(let v)?): fields[name] = .integer(v)
            case ("bool", .bool(let v)?): fields[name] = .bool(v)
            default: throw AuditError(.malformedInput, "field type and value do not match")
            }
        }
        let event = AuditEvent(type: AuditEventType(rawValue: try string(o, "type")), actor: try string(o, "actor"), fields: fields)
        do { try event.validate() } catch { throw AuditError(.malformedInput, "record violates event limits: \(error.reason)") }
        return AuditRecord(
            seq: try unsigned(o, "seq"), timestamp: try integer(o, "timestamp"), event: event,
            prevHash: try hex(o, "prev_hash", count: 32), hash: try hex(o, "hash", count: 32)
        )
    }
}
