import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads and writes the PKI's files with the permissions they need.
///
/// Private keys are created 0600 from the start (never written world-readable and then tightened), written to a
/// temporary file in the same directory and renamed into place, so a crash never leaves half a key behind.
public enum SecureFile {
    /// Writes `contents` to `path` atomically with the given POSIX permissions, creating parent directories (0700).
    public static func write(_ contents: String, to path: String, permissions: mode_t) throws(PKIError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw PKIError(.fileAccess, "cannot create directory \(directory): \(error.localizedDescription)")
            }
        }
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, permissions)
        guard fd >= 0 else {
            throw PKIError(.fileAccess, "cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        // The mode given to open() is filtered by the umask; set it explicitly so keys are exactly 0600.
        fchmod(fd, permissions)
        let bytes = Array(contents.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                let message = String(cString: strerror(errno))
                close(fd)
                unlink(temporary)
                throw PKIError(.fileAccess, "cannot write \(temporary): \(message)")
            }
            written += result
        }
        fsync(fd)
        close(fd)
        guard rename(temporary, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw PKIError(.fileAccess, "cannot move \(temporary) to \(path): \(message)")
        }
    }

    /// Reads a text file.
    public static func read(_ path: String) throws(PKIError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PKIError(.fileAccess, "cannot read \(path): \(error.localizedDescription)")
        }
    }

    /// Reads a private key file, refusing it when group or others may read it (as ssh does).
    public static func readPrivate(_ path: String) throws(PKIError) -> String {
        let permissions: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            permissions = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
        } catch {
            throw PKIError(.fileAccess, "cannot read \(path): \(error.localizedDescription)")
        }
        guard permissions & 0o077 == 0 else {
            let mode = String(permissions & 0o777, radix: 8)
            throw PKIError(
                .insecureKeyPermissions,
                "\(path) has permissions \(mode); a private key must be readable by its owner only (chmod 600 \(path))")
        }
        return try read(path)
    }
}
