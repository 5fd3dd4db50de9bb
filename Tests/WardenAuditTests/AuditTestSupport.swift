import Foundation
import GRDB
@testable import WardenAudit

/// A fresh directory tree per test: `keys/`, `db/` and `witness/` (the witness must live outside
/// the database directory), removed when the value is dropped.
final class AuditTestBed {
    let root: URL
    let keys: AuditKeys.Paths
    let logID: String

    init(logID: String = "test-instance-1") throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("warden-audit-\(UUID().uuidString)")
        for sub in ["keys", "db", "witness", "out"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        keys = try AuditKeys.generate(inDirectory: root.appendingPathComponent("keys").path)
        self.logID = logID
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    var databasePath: String { root.appendingPathComponent("db/audit.sqlite").path }
    var witnessPath: String { root.appendingPathComponent("witness/audit.witness").path }
    func path(_ name: String) -> String { root.appendingPathComponent("out/\(name)").path }

    func configuration(checkpointEvery: Int = 10, interval: Double = 3600) -> AuditLogConfiguration {
        var c = AuditLogConfiguration(
            databasePath: databasePath, signingKeyPath: keys.signingKey, witnessPath: witnessPath, logID: logID,
            hmacKeyPath: keys.hmacKey
        )
        c.checkpointEveryRecords = checkpointEvery
        c.checkpointIntervalSeconds = interval
        return c
    }

    func publicKey() throws -> AuditPublicKey { try AuditKeys.loadPublicKey(path: keys.publicKey) }

    /// Writes `count` records one by one (so checkpoints fall every `checkpointEvery` records) and closes.
    @discardableResult
    func writeLog(count: Int, checkpointEvery: Int = 10) async throws -> [AuditReceipt] {
        let log = try AuditLog(configuration: configuration(checkpointEvery: checkpointEvery))
        var receipts = [AuditReceipt]()
        for i in 1...count { receipts.append(try await log.append(Self.event(i))) }
        try await log.close()
        return receipts
    }

    static func event(_ i: Int) -> AuditEvent {
        AuditEvent(
            type: i % 2 == 0 ? .requestCompleted : .requestDecided,
            actor: "spiffe://warden.local/team/research/user/u\(i % 7)",
            fields: ["request_id": .string("req-\(i)"), "tokens": .integer(Int64(i * 3)), "allowed": .bool(i % 3 != 0),
                     "note": .string("naïve ✓ \"quoted\"\n")]
        )
    }

    func verify(witness: Bool = true, key: AuditPublicKey? = nil) throws -> VerificationReport {
        try AuditVerifier.verifyDatabase(path: databasePath, publicKey: key ?? publicKey(), witnessPath: witness ? witnessPath : nil)
    }

    /// Runs raw SQL against the database, as an attacker with file access would.
    func tamper(_ body: (Database) throws -> Void) throws {
        let queue = try DatabaseQueue(path: databasePath)
        try queue.writeWithoutTransaction { db in try body(db) }
        try queue.close()
    }

    /// The canonical hash a record would have, computed the way a forger who read the spec would.
    static func forgedHash(logID: String, seq: Int64, timestamp: Int64, type: String, actor: String, fields: Data, prev: Data) -> Data {
        var scratch = [UInt8]()
        return Data(CanonicalEncoding.recordHash(
            logID: logID, seq: UInt64(seq), timestamp: timestamp, type: type, actor: actor,
            fieldsBlob: [UInt8](fields), prevHash: [UInt8](prev), scratch: &scratch
        ))
    }
}
