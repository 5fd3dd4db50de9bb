import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive advisory lock that makes an `AuditLog` the only writer of its database, across processes.
///
/// The writer keeps the chain's head (last hash, sequence, Merkle frontier) in memory, so a second process
/// appending to the same database would fork the chain. `warden keys rotate` run beside a live server must fail
/// with a clear message instead. The lock is released when the log closes or the process exits.
final class AuditWriterLock: Sendable {
    private let descriptor: Int32
    private let released = Atomic<Bool>(false)

    init(databasePath: String) throws(AuditError) {
        let path = databasePath + ".writer-lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw AuditError(.storage, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw AuditError(
                .storage,
                "the audit log \(databasePath) is in use by another process (a running warden serve?); "
                    + "only one process may write it")
        }
        descriptor = fd
    }

    /// Releases the lock once; later calls (and deinit) do nothing.
    func release() {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    deinit {
        release()
    }
}
