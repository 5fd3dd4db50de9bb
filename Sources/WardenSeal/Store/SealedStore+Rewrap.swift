import Foundation
import GRDB

extension SealedStore {
    /// Moves every readable record whose data key is wrapped with an older KEK version to the primary, without
    /// decrypting content. Safe while writers are active: new records already use the primary, and each update only
    /// applies if the row is still sealed with the wrapped key that was read (a concurrent shred wins).
    ///
    /// Per batch, the `key.rewrapped` event (ids, old and new versions) is recorded before the batch is written.
    /// Returns how many records were moved.
    @discardableResult
    public func rewrap(actor: String) async throws -> Int {
        var moved = 0
        let batchSize = configuration.batchSize
        _ = try? reloadKeyRingIfChanged()
        while true {
            let ring = keyRing
            let primary = ring.primary
            let rows = try await storage("find records to rewrap") { [database] in
                try await database.read { db in
                    try Row.fetchAll(
                        db,
                        sql: "SELECT * FROM sealed_record WHERE state = 'sealed' AND key_version != ? LIMIT \(batchSize)",
                        arguments: [Int64(primary.version)]
                    ).map { row throws(SealError) in try Self.decodeRow(row, id: row["id"]) }
                }
            }
            if rows.isEmpty { break }
            var updates: [(id: String, old: SealedEnvelope, new: SealedEnvelope)] = []
            var fromVersions = Set<UInt32>()
            for sealed in rows {
                let id = sealed.id
                guard let oldKEK = ring.key(version: sealed.envelope.keyVersion) else {
                    throw SealError(
                        .keyVersionUnknown, recordID: id,
                        "wrapped with key version \(sealed.envelope.keyVersion), which this key ring does not hold")
                }
                _ = try ledger.take(version: primary.version)
                let rewrapped = try Envelope.rewrap(
                    sealed.envelope, recordID: id, metadata: sealed.metadata, from: oldKEK, to: primary)
                updates.append((id, sealed.envelope, rewrapped))
                fromVersions.insert(oldKEK.version)
            }
            try await KeyRingAdministration.record(
                SealEvent(
                    kind: .keyRewrapped, actor: actor, recordIDs: updates.map(\.id),
                    fields: ["from_versions": fromVersions.sorted().map(String.init).joined(separator: ",")],
                    integers: ["key_version": Int(primary.version), "records": updates.count]),
                sink: sink)
            let applied = try await storage("write rewrapped keys") { [database, updates] in
                try await database.write { db in
                    let statement = try db.cachedStatement(
                        sql: """
                            UPDATE sealed_record SET key_version = ?, wrap_nonce = ?, wrapped_key = ?
                            WHERE id = ? AND state = 'sealed' AND key_version = ? AND wrapped_key = ?
                            """)
                    var applied = 0
                    for update in updates {
                        try statement.execute(arguments: [
                            Int64(update.new.keyVersion), update.new.wrapNonce, update.new.wrappedKey, update.id,
                            Int64(update.old.keyVersion), update.old.wrappedKey,
                        ])
                        applied += db.changesCount
                    }
                    return applied
                }
            }
            moved += applied
        }
        return moved
    }
}
