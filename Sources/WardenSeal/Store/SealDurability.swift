/// When ``SealedStore/seal(_:metadata:)`` returns relative to the record reaching disk.
public enum SealDurability: Sendable, Hashable {
    /// Return after the transaction holding the record committed with `synchronous = FULL`: a returned id survives a
    /// crash or power loss. Concurrent seals share one group commit (one fsync), so no seal pays an fsync of its own,
    /// but each waits for one.
    case committed
    /// Return as soon as the record is queued for the next group commit (normally within a few milliseconds). The
    /// request path then pays only the encryption. A crash, or a failed write, can lose records whose ids were already
    /// returned; failures are reported by ``SealedStore/flush()`` and counted in ``SealedStore/lostRecordCount``.
    case queued
}
