import Foundation
import GRDB

/// Crypto-shredding.
///
/// Order, per batch of at most ``SealedStoreConfiguration/batchSize`` records:
/// 1. In one transaction, select the matching readable rows and mark them `shredding` (reads now refuse them).
/// 2. Record one `prompt.shredded` event with their ids. If the sink throws, the marks are undone and nothing is
///    destroyed: a shred that cannot be audited does not happen.
/// 3. Destroy: set the wrapped key, nonces, ciphertext and tag to NULL and the state to `shredded`. `secure_delete`
///    zeroes the freed bytes; after the last batch the WAL is checkpointed and truncated so old page images go too.
///
/// A crash between 1 and 3 leaves rows `shredding`; ``open(_:sink:)`` and every retention pass finish them, recording
/// the event again (a duplicate event is harmless, a missing one is not).
extension SealedStore {
    /// Destroys the data keys of the selected records for `actor`. Returns the ids destroyed.
    @discardableResult
    public func shred(_ selector: ShredSelector, actor: String) async throws -> ShredReport {
        if case .record(let id) = selector {
            try RecordID.validate(id)
            _ = try await state(id: id)  // not-found is an error for a single id; an already shredded one is a no-op
        }
        var report = ShredReport()
        let batchSize = configuration.batchSize
        while true {
            let condition = selector.condition
            let ids = try await storage("mark records for shredding") { [database] in
                try await database.write { db in
                    let ids = try String.fetchAll(
                        db, sql: "SELECT id FROM sealed_record WHERE state = 'sealed' AND \(condition.sql) LIMIT \(batchSize)",
                        arguments: condition.arguments)
                    try Self.setState(db, ids: ids, to: "shredding", from: "sealed")
                    return ids
                }
            }
            if ids.isEmpty { break }
            do {
                try await KeyRingAdministration.record(
                    SealEvent(
                        kind: .promptShredded, actor: actor, recordIDs: ids,
                        fields: ["selector": selector.description], integers: ["records": ids.count]),
                    sink: sink)
            } catch {
                try? await database.write { db in try Self.setState(db, ids: ids, to: "sealed", from: "shredding") }
                throw error
            }
            try await destroyKeys(ids: ids)
            report.shreddedRecordIDs += ids
            report.events += 1
            if ids.count < batchSize { break }
        }
        if !report.shreddedRecordIDs.isEmpty { checkpointAfterShred() }
        return report
    }

    /// Finishes shreds a crash interrupted (rows left `shredding`), recording their event again first.
    @discardableResult
    public func completeInterruptedShreds(actor: String = "warden-seal:shred-recovery") async throws -> ShredReport {
        var report = ShredReport()
        let batchSize = configuration.batchSize
        while true {
            let ids = try await storage("find interrupted shreds") { [database] in
                try await database.read { db in
                    try String.fetchAll(db, sql: "SELECT id FROM sealed_record WHERE state = 'shredding' LIMIT \(batchSize)")
                }
            }
            if ids.isEmpty { break }
            try await KeyRingAdministration.record(
                SealEvent(
                    kind: .promptShredded, actor: actor, recordIDs: ids,
                    fields: ["selector": "interrupted-shred"], integers: ["records": ids.count]),
                sink: sink)
            try await destroyKeys(ids: ids)
            report.shreddedRecordIDs += ids
            report.events += 1
        }
        if !report.shreddedRecordIDs.isEmpty { checkpointAfterShred() }
        return report
    }

    private func destroyKeys(ids: [String]) async throws {
        let now = ShredSelector.milliseconds(Date())
        try await storage("destroy data keys") { [database] in
            try await database.write { db in
                let statement = try db.cachedStatement(
                    sql: """
                        UPDATE sealed_record SET state = 'shredded', shredded_at = ?, key_version = NULL,
                            wrap_nonce = NULL, wrapped_key = NULL, nonce = NULL, ciphertext = NULL, tag = NULL
                        WHERE id = ? AND state = 'shredding'
                        """)
                for id in ids { try statement.execute(arguments: [now, id]) }
            }
        }
    }

    static func setState(_ db: Database, ids: [String], to newState: String, from oldState: String) throws {
        let statement = try db.cachedStatement(sql: "UPDATE sealed_record SET state = ? WHERE id = ? AND state = ?")
        for id in ids { try statement.execute(arguments: [newState, id, oldState]) }
    }

    /// Copies the WAL into the database and truncates it, so page images holding destroyed keys leave the WAL file.
    /// Best effort: a long-running reader can make SQLite skip part of it; the next shred or retention pass retries.
    func checkpointAfterShred() {
        _ = try? database.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }
}
