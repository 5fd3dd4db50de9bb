/// A small, allocation-light JSON writer for responses, so that field order is stable and nulls are explicit.
///
/// Strings are escaped per RFC 8259; control characters become `\u00XX`. Only the gateway's own response shapes
/// use it, so it offers exactly objects, arrays, strings, numbers, booleans and null.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    var string: String { String(decoding: bytes, as: UTF8.self) }

    mutating func object(_ body: (inout ObjectWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        var writer = ObjectWriter(json: self)
        body(&writer)
        self = writer.json
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func array<S: Sequence>(_ elements: S, _ body: (inout JSONWriter, S.Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        var first = true
        for element in elements {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            body(&self, element)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func value(_ text: String?) {
        guard let text else { return null() }
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func value(_ number: Int?) {
        guard let number else { return null() }
        bytes.append(contentsOf: String(number).utf8)
    }

    mutating func value(_ number: Double?) {
        guard let number, number.isFinite else { return null() }
        bytes.append(contentsOf: String(number).utf8)
    }

    mutating func value(_ flag: Bool?) {
        guard let flag else { return null() }
        bytes.append(contentsOf: (flag ? "true" : "false").utf8)
    }

    mutating func null() {
        bytes.append(contentsOf: "null".utf8)
    }

    /// Writes the members of one object, adding commas between them.
    struct ObjectWriter {
        fileprivate var json: JSONWriter
        private var first = true

        fileprivate init(json: JSONWriter) { self.json = json }

        private mutating func key(_ name: String) {
            if !first { json.bytes.append(UInt8(ascii: ",")) }
            first = false
            json.value(name)
            json.bytes.append(UInt8(ascii: ":"))
        }

        mutating func field(_ name: String, _ text: String?) { key(name); json.value(text) }
        mutating func field(_ name: String, _ number: Int?) { key(name); json.value(number) }
        mutating func field(_ name: String, _ number: Double?) { key(name); json.value(number) }
        mutating func field(_ name: String, _ flag: Bool?) { key(name); json.value(flag) }
        mutating func field(_ name: String, _ body: (inout JSONWriter) -> Void) {
            key(name)
            body(&json)
        }
    }
}
