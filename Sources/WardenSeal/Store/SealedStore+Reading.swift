import Foundation
import GRDB

extension SealedStore {
    /// Decrypts a record for `actor` (an auditor's identity or operator name).
    ///
    /// The `prompt.read` event is recorded after the record authenticated and before the plaintext is returned: if the
    /// event cannot be recorded the caller gets ``SealError/Code/auditFailed`` and no plaintext. A shredded record gives
    /// ``SealError/Code/recordShredded``; any alteration gives ``SealError/Code/integrityFailure``, both naming the record.
    public func read(id: String, actor: String) async throws -> OpenedRecord {
        try RecordID.validate(id)
        let row = try await fetchRow(id: id)
        guard let kek = keyRing.key(version: row.envelope.keyVersion) else {
            throw SealError(
                .keyVersionUnknown, recordID: id,
                "wrapped with key version \(row.envelope.keyVersion), which this key ring does not hold (retired or never existed)")
        }
        let plaintext = try Envelope.open(row.envelope, recordID: id, metadata: row.metadata, kek: kek)
        try await KeyRingAdministration.record(
            SealEvent(
                kind: .promptRead, actor: actor, recordIDs: [id],
                fields: ["domain": row.metadata.domain, "kind": row.metadata.kind.rawValue],
                integers: ["key_version": Int(row.envelope.keyVersion)]
            ),
            sink: sink
        )
        return OpenedRecord(
            id: id, metadata: row.metadata,
            createdAt: Date(timeIntervalSince1970: Double(row.createdAtMilliseconds) / 1000),
            keyVersion: row.envelope.keyVersion, plaintext: plaintext)
    }

    /// The record's state, without decrypting and without an audit event (it reveals no content).
    public func state(id: String) async throws -> RecordState {
        try RecordID.validate(id)
        let found = try await storage("read record \(id)") { [database] in
            try await database.read { db -> (state: String, version: Int64?, shreddedAt: Int64?)? in
                guard
                    let row = try Row.fetchOne(
                        db, sql: "SELECT state, key_version, shredded_at FROM sealed_record WHERE id = ?", arguments: [id])
                else { return nil }
                return (row["state"], row["key_version"], row["shredded_at"])
            }
        }
        guard let found else { throw SealError(.recordNotFound, recordID: id, "no such record") }
        switch found.state {
        case "sealed": return .sealed(keyVersion: UInt32(clamping: found.version ?? 0))
        case "shredding": return .shredding
        default: return .shredded(at: Date(timeIntervalSince1970: Double(found.shreddedAt ?? 0) / 1000))
        }
    }

    /// How many readable records are wrapped with `keyVersion`; retiring a version requires zero.
    public func liveRecordCount(keyVersion: UInt32) async throws -> Int {
        try await storage("count records") { [database] in
            try await database.read { db in
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM sealed_record WHERE key_version = ? AND state = 'sealed'",
                    arguments: [Int64(keyVersion)]) ?? 0
            }
        }
    }

    /// Record counts by state, for `keys list` and monitoring.
    public func recordCounts() async throws -> [String: Int] {
        try await storage("count records") { [database] in
            try await database.read { db in
                var counts: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM sealed_record GROUP BY state") {
                    counts[row["state"]] = row["n"]
                }
                return counts
            }
        }
    }

    func fetchRow(id: String) async throws -> SealedRow {
        let row = try await storage("read record \(id)") { [database] in
            try await database.read { db -> SealedRow? in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sealed_record WHERE id = ?", arguments: [id]) else {
                    return nil
                }
                return try Self.decodeRow(row, id: id)
            }
        }
        guard let row else { throw SealError(.recordNotFound, recordID: id, "no such record") }
        return row
    }

    static func decodeRow(_ row: Row, id: String) throws(SealError) -> SealedRow {
        let state: String = row["state"]
        guard state == "sealed" else {
            throw SealError(.recordShredded, recordID: id, "its data key was destroyed by a shred; the content is unrecoverable")
        }
        guard
            let kind = RecordKind(rawValue: row["kind"]),
            let version = row["key_version"] as Int64?, let narrowVersion = UInt32(exactly: version),
            let wrapNonce = row["wrap_nonce"] as Data?, let wrappedKey = row["wrapped_key"] as Data?,
            let nonce = row["nonce"] as Data?, let ciphertext = row["ciphertext"] as Data?, let tag = row["tag"] as Data?
        else {
            throw SealError(.integrityFailure, recordID: id, "stored row is incomplete or has an unknown kind")
        }
        let metadata = RecordMetadata(owner: row["owner"], domain: row["domain"], kind: kind, model: row["model"])
        let envelope = SealedEnvelope(
            keyVersion: narrowVersion, wrapNonce: wrapNonce, wrappedKey: wrappedKey, nonce: nonce, ciphertext: ciphertext,
            tag: tag)
        return SealedRow(id: id, createdAtMilliseconds: row["created_at"], metadata: metadata, envelope: envelope)
    }

    /// Runs a database access, turning GRDB errors into ``SealError/Code/storageFailure`` without SQL arguments.
    func storage<T: Sendable>(_ what: String, _ body: @Sendable () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SealError {
            throw error
        } catch {
            throw SealError(.storageFailure, "cannot \(what) (\(Self.databaseErrorSummary(error)))")
        }
    }
}
