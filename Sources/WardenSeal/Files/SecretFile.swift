import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes files that hold key material: owner-only permissions, atomic replacement, and an advisory lock
/// so the CLI and a running gateway never interleave read-modify-write cycles.
enum SecretFile {
    /// Reads a secret file, refusing one that is not a regular file or that group or others may access.
    static func read(path: String, maximumSize: Int) throws(SealError) -> Data {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT {
                throw SealError(.keyRingMissing, "\(path): no key ring file (create one with `warden keys init`)")
            }
            if code == ELOOP {
                throw SealError(.keyRingInsecure, "\(path): is a symbolic link; point at the file itself")
            }
            throw SealError(.storageFailure, "\(path): cannot open (\(String(cString: strerror(code))))")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw SealError(.storageFailure, "\(path): cannot stat (\(String(cString: strerror(errno))))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw SealError(.keyRingInsecure, "\(path): not a regular file")
        }
        let permissions = info.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            throw SealError(
                .keyRingInsecure,
                "\(path): permissions \(String(permissions, radix: 8)) let group or others access the key ring; run `chmod 600 \(path)`"
            )
        }
        guard Int(info.st_size) <= maximumSize else {
            throw SealError(.keyRingCorrupt, "\(path): \(info.st_size) bytes, more than \(maximumSize)")
        }
        var data = Data(count: Int(info.st_size))
        var filled = 0
        while filled < data.count {
            let count = data.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw SealError(.storageFailure, "\(path): short read") }
            filled += count
        }
        return data
    }

    /// Replaces `path` atomically: a 0600 temporary file in the same directory, written and fsynced, renamed over the
    /// target, then the directory fsynced, so a crash leaves either the old or the new file, never a torn one.
    static func writeAtomically(_ data: Data, to path: String) throws(SealError) {
        let directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        let temporary = "\(directory)/.\((path as NSString).lastPathComponent).tmp-\(RecordID.generate().prefix(12))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw SealError(.storageFailure, "\(temporary): cannot create (\(String(cString: strerror(errno))))")
        }
        var ok = fchmod(descriptor, 0o600) == 0
        if ok {
            ok = data.withUnsafeBytes { buffer -> Bool in
                var written = 0
                while written < buffer.count {
                    let count = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                    if count < 0 && errno == EINTR { continue }
                    guard count > 0 else { return false }
                    written += count
                }
                return true
            }
        }
        ok = ok && fsync(descriptor) == 0
        let failure = errno
        close(descriptor)
        guard ok, rename(temporary, path) == 0 else {
            let code = ok ? errno : failure
            unlink(temporary)
            throw SealError(.storageFailure, "\(path): cannot write atomically (\(String(cString: strerror(code))))")
        }
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// Runs `body` holding an exclusive lock on `<path>.lock`, shared by every process that changes the key ring.
    static func withExclusiveLock<T>(on path: String, _ body: () throws(SealError) -> T) throws(SealError) -> T {
        let lockPath = path + ".lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw SealError(.storageFailure, "\(lockPath): cannot open lock file (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw SealError(.storageFailure, "\(lockPath): cannot lock (\(String(cString: strerror(errno))))")
            }
        }
        return try body()
    }

    /// Identity of the file now at `path` (device, inode, size, modification time), to notice a replacement cheaply.
    static func identity(of path: String) -> [Int]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [
            Int(info.st_dev), Int(info.st_ino), Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec),
        ]
    }
}

extension SecretFile {
    /// The async form of ``withExclusiveLock(on:_:)``, for operations that must record an audit event while holding the lock.
    static func withExclusiveLock<T>(on path: String, _ body: () async throws -> T) async throws -> T {
        let lockPath = path + ".lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw SealError(.storageFailure, "\(lockPath): cannot open lock file (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw SealError(.storageFailure, "\(lockPath): cannot lock (\(String(cString: strerror(errno))))")
            }
        }
        return try await body()
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }
}
