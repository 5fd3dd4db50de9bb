/// One line of a policy file: `p, alice, data1, read` gives ptype `p` and fields `alice, data1, read`.
public struct PolicyRow: Sendable, Hashable {
    public let ptype: String
    public let fields: [String]
    /// File and line of the row; the column is where the row starts.
    public let location: SourceLocation
}

/// Reads Casbin policy CSV the way Go Casbin's file adapter does: each line is trimmed, blank lines and
/// lines starting with `#` are skipped, and the rest is read by Go's `encoding/csv` with
/// `TrimLeadingSpace`: leading blanks of a field are dropped, trailing ones are kept, a field that starts
/// with `"` is quoted (`""` is a literal quote, commas inside are data), and a stray quote is an error.
/// (pycasbin differs: it strips both ends, ignores quotes and keeps commas inside `( )`/`[ ]` together.)
public enum PolicyCSVReader {
    /// The longest single line accepted; longer lines are rejected rather than buffered.
    public static let maximumLineBytes = 1 << 20

    /// Calls `body` for each rule row in `text`, in file order.
    public static func read(_ text: String, file: String, _ body: (PolicyRow) throws(PolicyError) -> Void) throws(PolicyError) {
        var source = text
        if source.hasPrefix("\u{FEFF}") { source.removeFirst() }
        var failure: PolicyError? = nil
        source.withUTF8 { bytes in
            do {
                try read(bytes: bytes, file: file, body)
            } catch {
                failure = error as? PolicyError ?? PolicyError(.invalidPolicy, "unreadable policy")
            }
        }
        if let failure { throw failure }
    }

    /// Splits one line (already known not to be blank or a comment) into fields.
    public static func splitLine(_ line: String, file: String = "<request>", lineNumber: Int = 1) throws(PolicyError) -> [String] {
        let bytes = Array(line.utf8)
        return try bytes.withUnsafeBufferPointer { (buffer) throws(PolicyError) -> [String] in
            try splitFields(buffer, start: 0, end: buffer.count, file: file, line: lineNumber, columnOffset: 0)
        }
    }

    private static func read(bytes: UnsafeBufferPointer<UInt8>, file: String, _ body: (PolicyRow) throws(PolicyError) -> Void) throws(PolicyError) {
        var lineStart = 0
        var lineNumber = 0
        let count = bytes.count
        while lineStart < count {
            var lineEnd = lineStart
            while lineEnd < count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            lineNumber += 1
            defer { lineStart = lineEnd + 1 }
            if lineEnd - lineStart > maximumLineBytes {
                throw PolicyError(.invalidPolicy, "line is longer than \(maximumLineBytes) bytes", at: SourceLocation(file: file, line: lineNumber, column: 1))
            }
            var start = lineStart
            var end = lineEnd
            while start < end, isBlank(bytes[start]) { start += 1 }
            while end > start, isBlank(bytes[end - 1]) { end -= 1 }
            if start == end || bytes[start] == UInt8(ascii: "#") { continue }
            let fields = try splitFields(bytes, start: start, end: end, file: file, line: lineNumber, columnOffset: lineStart)
            let location = SourceLocation(file: file, line: lineNumber, column: start - lineStart + 1)
            guard let ptype = fields.first, !ptype.isEmpty else {
                throw PolicyError(.invalidPolicy, "a rule must start with its policy type such as 'p' or 'g'", at: location)
            }
            try body(PolicyRow(ptype: ptype, fields: Array(fields.dropFirst()), location: location))
        }
    }

    @inline(__always) private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == 0x0B || byte == 0x0C
    }

    private static func splitFields(
        _ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int, file: String, line: Int, columnOffset: Int
    ) throws(PolicyError) -> [String] {
        var fields: [String] = []
        var index = start
        func fail(_ message: String, _ at: Int) -> PolicyError {
            PolicyError(.invalidPolicy, message, at: SourceLocation(file: file, line: line, column: at - columnOffset + 1))
        }
        while true {
            while index < end, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
            if index < end, bytes[index] == UInt8(ascii: "\"") {
                let quoteStart = index
                index += 1
                var value: [UInt8] = []
                var closed = false
                while index < end {
                    let byte = bytes[index]
                    if byte == UInt8(ascii: "\"") {
                        if index + 1 < end, bytes[index + 1] == UInt8(ascii: "\"") {
                            value.append(byte)
                            index += 2
                            continue
                        }
                        closed = true
                        index += 1
                        break
                    }
                    value.append(byte)
                    index += 1
                }
                if !closed { throw fail("quoted field is not closed", quoteStart) }
                if index < end, bytes[index] != UInt8(ascii: ",") {
                    throw fail("unexpected text after the closing quote of a field", index)
                }
                fields.append(String(decoding: value, as: UTF8.self))
            } else {
                let fieldStart = index
                while index < end, bytes[index] != UInt8(ascii: ",") {
                    if bytes[index] == UInt8(ascii: "\"") { throw fail("bare \" in a field that is not quoted; quote the whole field and double the quote", index) }
                    index += 1
                }
                fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[fieldStart..<index]), as: UTF8.self))
            }
            if index >= end { break }
            index += 1  // the comma
        }
        return fields
    }
}
