/// Where the sealed store and the key ring send their audit events.
///
/// Warden fails closed: every operation that needs an event awaits `record(_:)` and treats a thrown error as the failure
/// of the operation itself (a read returns no plaintext, a key is not rotated, a shred is rolled back before any key is
/// destroyed). The gateway and the CLI connect this to the signed audit log; WardenSeal does not depend on that library.
///
/// Implementations must be safe to call concurrently and should return only once the event is durable, because the
/// store acts on the assumption that a returned call means "recorded".
public protocol SealEventSink: Sendable {
    /// Records one event durably, or throws if it cannot.
    func record(_ event: SealEvent) async throws
}
