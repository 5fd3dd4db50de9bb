import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Serialises writers of one audit database across processes, one commit at a time.
///
/// A writer keeps the chain's head (last hash, sequence, Merkle frontier) in memory. Holding this lock for each
/// commit, and re-reading the head when another process has appended since (see
/// `AuditLogWriter.resynchroniseIfNeeded`), lets `warden keys rotate` append beside a running server without
/// forking the chain. The lock is an advisory `flock` on `<db>.writer-lock`, held only for a commit.
final class AuditWriterLock: Sendable {
    private let descriptor: Int32
    let path: String

    init(databasePath: String) throws(AuditError) {
        path = databasePath + ".writer-lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw AuditError(.storage, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        descriptor = fd
    }

    /// Runs `body` holding the lock, waiting for another process's commit to finish first.
    func withLock<T>(_ body: () throws(AuditError) -> T) throws(AuditError) -> T {
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw AuditError(.storage, "cannot lock \(path): \(String(cString: strerror(errno)))")
            }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    deinit {
        close(descriptor)
    }
}
