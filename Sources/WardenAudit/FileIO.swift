#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Small POSIX file helpers: exclusive creation with a mode, durable appends, whole-file reads.
/// POSIX rather than Foundation so that modes are set at creation (no window where a private
/// key is world-readable) and fsync is explicit.
enum FileIO {
    /// Creates `path` (failing if it exists) with `mode`, writes `bytes`, fsyncs and closes.
    static func createExclusive(path: String, bytes: [UInt8], mode: mode_t) throws(AuditError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw AuditError(.keyFile, errno == EEXIST ? "file already exists: \(path)" : "cannot create \(path) (errno \(errno))")
        }
        defer { close(fd) }
        _ = fchmod(fd, mode)  // the umask may have narrowed it; never widen beyond `mode`
        try writeAll(fd: fd, bytes: bytes, code: .keyFile, path: path)
        guard fsync(fd) == 0 else { throw AuditError(.keyFile, "fsync failed for \(path)") }
    }

    static func writeAll(fd: Int32, bytes: [UInt8], code: AuditError.Code, path: String) throws(AuditError) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                write(fd, raw.baseAddress! + written, raw.count - written)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw AuditError(code, "write failed for \(path) (errno \(errno))")
            }
            written += n
        }
    }

    /// Reads a whole file up to `limit` bytes. Returns nil if it does not exist.
    static func readFile(path: String, limit: Int, code: AuditError.Code) throws(AuditError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw AuditError(code, "cannot open \(path) (errno \(errno))")
        }
        defer { close(fd) }
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw AuditError(code, "read failed for \(path) (errno \(errno))")
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            guard out.count <= limit else { throw AuditError(code, "\(path) is larger than \(limit) bytes") }
        }
        return out
    }

    /// The permission bits of `path`, or nil if it cannot be stat'ed.
    static func mode(path: String) -> mode_t? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return st.st_mode & 0o7777
    }

    /// The canonical absolute directory containing `path` (symlinks resolved where they exist).
    static func canonicalDirectory(of path: String) -> String {
        let dir: String
        if let slash = path.lastIndex(of: "/") {
            dir = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            dir = "."
        }
        guard let resolved = realpath(dir, nil) else { return dir }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
