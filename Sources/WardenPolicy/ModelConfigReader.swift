import Foundation

/// One `key = value` statement of a model file, after comments and line continuations are resolved.
struct ModelConfigEntry: Sendable {
    var section: String
    var key: String
    var value: String
    /// Where the key starts.
    var location: SourceLocation
    /// Where the value starts on the first physical line, so matcher errors can point into the file.
    var valueLocation: SourceLocation
}

/// Reads Casbin's INI-like model format exactly as Go Casbin's `config` package does:
/// - a line whose first non-blank character is `#` or `;` is a comment, and so is the rest of any line from
///   the first `#` or `;` on (Go cuts inline comments even inside quotes; pycasbin does not);
/// - a trailing `\` continues the statement on the next line;
/// - `[name]` opens a section; a statement without `=` is an error.
enum ModelConfigReader {
    /// The longest model file accepted, so a hostile or mistaken file cannot exhaust memory.
    static let maximumBytes = 4 << 20

    static func read(_ text: String, file: String) throws(PolicyError) -> [ModelConfigEntry] {
        if text.utf8.count > maximumBytes {
            throw PolicyError(.invalidModel, "model file is larger than \(maximumBytes) bytes", at: SourceLocation(file: file, line: 1, column: 1))
        }
        var entries: [ModelConfigEntry] = []
        var section = ""
        var buffer = ""
        var bufferStart: (line: Int, column: Int)? = nil
        var lineNumber = 0

        func flush() throws(PolicyError) {
            defer { buffer = ""; bufferStart = nil }
            guard let start = bufferStart, !buffer.isEmpty else { return }
            guard let equals = buffer.firstIndex(of: "=") else {
                let shown = buffer.trimmingWhitespace()
                throw PolicyError(.invalidModel, "expected 'key = value' but found '\(shown.prefix(80))'", at: SourceLocation(file: file, line: start.line, column: start.column))
            }
            let key = String(buffer[..<equals]).trimmingWhitespace()
            let rawValue = buffer[buffer.index(after: equals)...]
            let leading = rawValue.prefix { $0 == " " || $0 == "\t" }.count
            let value = String(rawValue).trimmingWhitespace()
            let valueColumn = start.column + buffer.distance(from: buffer.startIndex, to: equals) + 1 + leading
            entries.append(ModelConfigEntry(
                section: section, key: key, value: value,
                location: SourceLocation(file: file, line: start.line, column: start.column),
                valueLocation: SourceLocation(file: file, line: start.line, column: valueColumn)))
        }

        // Editors on some systems start files with a byte-order mark; it is not part of the first line.
        let body = text.hasPrefix("\u{FEFF}") ? Substring(text.dropFirst()) : Substring(text)
        var lines = body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        if lines.last == "" { lines.removeLast() }
        for rawLine in lines {
            lineNumber += 1
            var physical = Substring(rawLine)
            if physical.hasSuffix("\r") { physical = physical.dropLast() }
            let indent = physical.prefix { $0 == " " || $0 == "\t" }.count
            let line = String(physical).trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") {
                try flush()
                continue
            }
            if line.hasPrefix("["), line.hasSuffix("]") {
                try flush()
                section = String(line.dropFirst().dropLast())
                continue
            }
            var piece: String
            let continues = line.hasSuffix("\\")
            if continues {
                piece = String(line.dropLast()).trimmingWhitespace() + " "
            } else {
                piece = line
            }
            if let cut = piece.firstIndex(where: { $0 == "#" || $0 == ";" }) {
                piece = String(piece[..<cut])
            }
            if bufferStart == nil { bufferStart = (lineNumber, indent + 1) }
            buffer += piece
            if !continues { try flush() }
        }
        try flush()
        return entries
    }
}

extension StringProtocol {
    /// Trims spaces, tabs and line breaks at both ends.
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\r" || first == "\n" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" || last == "\n" { scalars.removeLast() }
        return String(scalars)
    }
}
