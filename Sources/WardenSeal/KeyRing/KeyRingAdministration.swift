import Foundation

/// The key operations on a file-backed key ring: create, rotate, retire. `warden keys …`, `warden init` and the
/// store's automatic rotation all go through here, so there is one code path per operation.
///
/// Ordering rule, used for every key operation: take the ring's lock, compute the new ring, **record the audit event,
/// then write the file**. If the event cannot be recorded nothing changes; if the write fails after the event, the
/// operation reports failure and the audit log shows an operation that did not take effect — never a key change that
/// the audit log lacks.
public enum KeyRingAdministration {
    /// Creates a new ring with one random version at `path` (mode 0600). Refuses to overwrite an existing file.
    @discardableResult
    public static func createKeyRing(
        at path: String, actor: String, sink: any SealEventSink, now: Date = Date()
    ) async throws -> KeyRing {
        try await SecretFile.withExclusiveLock(on: path) {
            guard !SecretFile.exists(path) else {
                throw SealError(.keyRingExists, "\(path): a key ring already exists; it was left untouched")
            }
            let ring = KeyRing.generate(now: now)
            try await record(
                SealEvent(
                    kind: .keyRingCreated, actor: actor, time: now,
                    fields: ["keyring": path, "check": ring.primary.checkValue],
                    integers: ["key_version": Int(ring.primaryVersion)]
                ),
                sink: sink
            )
            try SecretFile.writeAtomically(ring.encoded(), to: path)
            return ring
        }
    }

    /// Adds a new random version and makes it primary. Older versions keep decrypting; running stores pick the new
    /// primary up within a second (see ``SealedStore/reloadKeyRingIfChanged()``).
    @discardableResult
    public static func rotate(
        at path: String, actor: String, reason: String = "operator", sink: any SealEventSink, now: Date = Date()
    ) async throws -> KeyRing {
        try await SecretFile.withExclusiveLock(on: path) {
            let ring = try KeyRingSource.file(path: path).load()
            let rotated = try ring.rotated(now: now)
            try await record(
                SealEvent(
                    kind: .keyRotated, actor: actor, time: now,
                    fields: ["keyring": path, "reason": reason, "check": rotated.primary.checkValue],
                    integers: ["key_version": Int(rotated.primaryVersion), "previous_version": Int(ring.primaryVersion)]
                ),
                sink: sink
            )
            try SecretFile.writeAtomically(rotated.encoded(), to: path)
            return rotated
        }
    }

    /// Removes `version` from the ring, after checking that `store` holds no readable record wrapped with it.
    /// Run ``SealedStore/rewrap(actor:batchSize:)`` first. Shredded records do not count: they have no key left.
    @discardableResult
    public static func retire(
        version: UInt32, at path: String, checkedAgainst store: SealedStore, actor: String, sink: any SealEventSink,
        now: Date = Date()
    ) async throws -> KeyRing {
        try await SecretFile.withExclusiveLock(on: path) {
            let ring = try KeyRingSource.file(path: path).load()
            let retired = try ring.retiring(version: version)
            let remaining = try await store.liveRecordCount(keyVersion: version)
            guard remaining == 0 else {
                throw SealError(
                    .keyOperationRefused,
                    "\(remaining) records still use key version \(version); run `warden keys rewrap` first"
                )
            }
            try await record(
                SealEvent(
                    kind: .keyRetired, actor: actor, time: now, fields: ["keyring": path],
                    integers: ["key_version": Int(version), "primary_version": Int(ring.primaryVersion)]
                ),
                sink: sink
            )
            try SecretFile.writeAtomically(retired.encoded(), to: path)
            return retired
        }
    }

    /// Records an event, turning any sink failure into ``SealError/Code/auditFailed`` so callers fail closed.
    static func record(_ event: SealEvent, sink: any SealEventSink) async throws(SealError) {
        do {
            try await sink.record(event)
        } catch {
            throw SealError(.auditFailed, "audit sink did not record \(event.kind.rawValue); operation not carried out")
        }
    }
}
