#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The witness: a second, append-only copy of every checkpoint, one JSON line each, kept outside
/// the database directory (AUDIT-FORMAT.md §5). Someone who cuts the tail off the database (and
/// its checkpoints) still leaves a signed checkpoint here that covers the missing records.
enum WitnessFile {
    /// Result of reading a witness file.
    struct Contents {
        var checkpoints: [AuditCheckpoint]
        /// True when the last line had no newline: a write torn by a crash, ignored.
        var hadTornTail: Bool
    }

    /// Reads every complete line. A final line without a newline is a torn write and is ignored;
    /// any other malformed line is an error naming its line number.
    static func read(path: String) throws(AuditError) -> Contents {
        guard let bytes = try FileIO.readFile(path: path, limit: 1 << 31, code: .witness) else {
            throw AuditError(.witness, "witness file not found: \(path)")
        }
        var checkpoints = [AuditCheckpoint]()
        var lineStart = 0
        var lineNumber = 0
        for i in bytes.indices where bytes[i] == 0x0A {
            lineNumber += 1
            let line = bytes[lineStart..<i]
            lineStart = i + 1
            do {
                checkpoints.append(try JSONLine.parseCheckpoint(try JSONLine.object(line)))
            } catch {
                throw AuditError(.witness, "witness line \(lineNumber) is malformed: \(error.reason)")
            }
        }
        return Contents(checkpoints: checkpoints, hadTornTail: lineStart < bytes.count)
    }

    /// An open witness file for appending, owned by the log's writer thread.
    final class Appender {
        private let fd: Int32
        let path: String

        /// Opens (creating with 0644) for appending, and cuts off a torn last line left by a crash.
        init(path: String) throws(AuditError) {
            self.path = path
            let fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw AuditError(.witness, "cannot open witness file \(path) (errno \(errno))") }
            self.fd = fd
            do {
                try Self.truncateTornTail(fd: fd, path: path)
            } catch {
                close(fd)
                throw error
            }
        }

        deinit { close(fd) }

        /// Appends one checkpoint line and fsyncs before returning.
        func append(_ checkpoint: AuditCheckpoint) throws(AuditError) {
            let line = Array((JSONLine.checkpoint(checkpoint) + "\n").utf8)
            try FileIO.writeAll(fd: fd, bytes: line, code: .witness, path: path)
            guard fsync(fd) == 0 else { throw AuditError(.witness, "fsync failed for witness file \(path)") }
        }

        private static func truncateTornTail(fd: Int32, path: String) throws(AuditError) {
            let size = lseek(fd, 0, SEEK_END)
            guard size > 0 else { return }
            var last: UInt8 = 0
            guard pread(fd, &last, 1, size - 1) == 1 else { throw AuditError(.witness, "cannot read witness file \(path)") }
            if last == 0x0A { return }
            // Find the end of the last complete line, reading backwards in chunks.
            var end = size
            var keep: off_t = 0
            var chunk = [UInt8](repeating: 0, count: 4096)
            search: while end > 0 {
                let start = max(0, end - off_t(chunk.count))
                let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, Int(end - start), start) }
                guard n == Int(end - start) else { throw AuditError(.witness, "cannot read witness file \(path)") }
                for i in stride(from: n - 1, through: 0, by: -1) where chunk[i] == 0x0A {
                    keep = start + off_t(i) + 1
                    break search
                }
                end = start
            }
            guard ftruncate(fd, keep) == 0, fsync(fd) == 0 else {
                throw AuditError(.witness, "cannot repair torn tail of witness file \(path)")
            }
        }
    }
}
