/// A small, strict JSON reader for request lines and cases files. It exists so that hostile input is
/// bounded (depth and size) and numbers versus booleans are never confused, which `JSONSerialization`
/// does not guarantee across platforms.
struct JSONValueReader {
    enum Node {
        case value(PolicyValue)
        case array([Node])
    }

    static let maximumDepth = 32
    static let maximumBytes = 1 << 20

    private let bytes: [UInt8]
    private var index = 0

    /// Parses a whole JSON document.
    static func parse(_ text: String) throws(PolicyError) -> Node {
        guard text.utf8.count <= maximumBytes else { throw PolicyError(.invalidRequest, "JSON is longer than \(maximumBytes) bytes") }
        var reader = JSONValueReader(bytes: Array(text.utf8))
        reader.skipBlanks()
        let node = try reader.parseNode(depth: 0)
        reader.skipBlanks()
        guard reader.index == reader.bytes.count else { throw reader.failure("unexpected text after the JSON value") }
        return node
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func failure(_ message: String) -> PolicyError {
        PolicyError(.invalidRequest, "\(message) at byte \(index + 1)")
    }

    private mutating func skipBlanks() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D { index += 1 }
    }

    private mutating func parseNode(depth: Int) throws(PolicyError) -> Node {
        guard depth < JSONValueReader.maximumDepth else { throw failure("JSON nests deeper than \(JSONValueReader.maximumDepth) levels") }
        guard index < bytes.count else { throw failure("unexpected end of JSON") }
        switch bytes[index] {
        case UInt8(ascii: "["):
            index += 1
            var items: [Node] = []
            skipBlanks()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            while true {
                skipBlanks()
                items.append(try parseNode(depth: depth + 1))
                skipBlanks()
                guard index < bytes.count else { throw failure("unclosed JSON array") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                throw failure("expected ',' or ']'")
            }
        case UInt8(ascii: "{"):
            index += 1
            var fields: [String: PolicyValue] = [:]
            skipBlanks()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .value(.object(fields)) }
            while true {
                skipBlanks()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a quoted attribute name") }
                let key = try parseString()
                skipBlanks()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':'") }
                index += 1
                skipBlanks()
                guard case .value(let value) = try parseNode(depth: depth + 1) else {
                    throw failure("arrays are not allowed inside attribute objects")
                }
                fields[key] = value
                skipBlanks()
                guard index < bytes.count else { throw failure("unclosed JSON object") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .value(.object(fields)) }
                throw failure("expected ',' or '}'")
            }
        case UInt8(ascii: "\""):
            return .value(.string(try parseString()))
        case UInt8(ascii: "t"):
            try expectWord("true")
            return .value(.bool(true))
        case UInt8(ascii: "f"):
            try expectWord("false")
            return .value(.bool(false))
        case UInt8(ascii: "n"):
            throw failure("null has no meaning in a request")
        default:
            return .value(.number(try parseNumber()))
        }
    }

    private mutating func expectWord(_ word: String) throws(PolicyError) {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, Array(bytes[index..<(index + expected.count)]) == expected else {
            throw failure("invalid JSON literal")
        }
        index += expected.count
    }

    private mutating func parseNumber() throws(PolicyError) -> Double {
        let start = index
        while index < bytes.count, let byte = Optional(bytes[index]),
            (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        {
            index += 1
        }
        guard index > start, index - start <= 64, let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)), value.isFinite else {
            index = start
            throw failure("invalid JSON value")
        }
        return value
    }

    private mutating func parseString() throws(PolicyError) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() {
            if !run.isEmpty {
                scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
                run.removeAll(keepingCapacity: true)
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                flush()
                return String(scalars)
            }
            if byte < 0x20 { throw failure("control character in a JSON string") }
            if byte == UInt8(ascii: "\\") {
                flush()
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw failure("unpaired surrogate in a JSON string")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate in a JSON string") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw failure("invalid \\u escape") }
                    scalars.append(scalar)
                default:
                    throw failure("invalid escape in a JSON string")
                }
                continue
            }
            run.append(byte)
            index += 1
        }
        throw failure("unclosed JSON string")
    }

    private mutating func hex4() throws(PolicyError) -> UInt32 {
        guard index + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16) else {
            throw failure("invalid \\u escape")
        }
        index += 4
        return code
    }
}
