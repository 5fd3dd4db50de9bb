#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file line by line with bounded memory (one line at a time, each at most `maxLineBytes`).
final class LineReader {
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0
    let path: String
    let maxLineBytes: Int
    private(set) var lineNumber = 0
    /// True if the last line returned had no terminating newline.
    private(set) var lastLineUnterminated = false

    init(path: String, maxLineBytes: Int) throws(AuditError) {
        guard let file = fopen(path, "rb") else {
            throw AuditError(errno == ENOENT ? .notFound : .malformedInput, "cannot open \(path) (errno \(errno))")
        }
        self.file = file
        self.path = path
        self.maxLineBytes = maxLineBytes
    }

    deinit {
        fclose(file)
        free(buffer)
    }

    /// The next line without its newline, or nil at the end of the file.
    func next() throws(AuditError) -> [UInt8]? {
        try nextBorrowed().map { Array($0) }
    }

    /// The next line without its newline, borrowed from the reader's buffer: valid only until the
    /// next call (the verifier's hot path, which must not copy every line).
    func nextBorrowed() throws(AuditError) -> UnsafeRawBufferPointer? {
        let n = getline(&buffer, &capacity, file)
        guard n >= 0, let buffer else {
            if ferror(file) != 0 { throw AuditError(.malformedInput, "read error in \(path)") }
            return nil
        }
        lineNumber += 1
        guard n <= maxLineBytes + 1 else {
            throw AuditError(.malformedInput, "line \(lineNumber) of \(path) is longer than \(maxLineBytes) bytes")
        }
        var length = n
        lastLineUnterminated = true
        if length > 0, buffer[length - 1] == 0x0A {
            length -= 1
            lastLineUnterminated = false
        }
        return UnsafeRawBufferPointer(start: buffer, count: length)
    }
}
