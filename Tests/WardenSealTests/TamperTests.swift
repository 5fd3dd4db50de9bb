import Foundation
import GRDB
import Testing
import WardenSeal

@Suite("Tampering is detected")
struct TamperTests {
    /// Seals two records, applies `tamper` to the database directly, and expects reading the first to fail with
    /// `code`, naming the record.
    private func expectTamperDetected(
        code: SealError.Code = .integrityFailure, _ tamper: @escaping @Sendable (Database, String, String) throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory()
        let store = try await makeStore(in: directory)
        let victim = try await store.seal(text: "the victim's confidential prompt", metadata: aliceMetadata)
        let other = try await store.seal(
            text: "another prompt",
            metadata: RecordMetadata(owner: "spiffe://warden.local/team/ops/user/bob", domain: "ops", kind: .completion))
        let queue = try DatabaseQueue(path: directory.file("prompts.db"))
        try await queue.write { db in try tamper(db, victim, other) }
        let error = await expectSealError(code) { _ = try await store.read(id: victim, actor: "auditor") }
        #expect(error?.recordID == victim)
        #expect(error?.description.contains(victim) == true)
        #expect(error?.description.contains("confidential") == false)
    }

    private static func flipFirstByte(_ column: String) -> @Sendable (Database, String, String) throws -> Void {
        { db, victim, _ in
            var value = try #require(try Data.fetchOne(db, sql: "SELECT \(column) FROM sealed_record WHERE id = ?", arguments: [victim]))
            value[value.startIndex] ^= 0x01
            try db.execute(sql: "UPDATE sealed_record SET \(column) = ? WHERE id = ?", arguments: [value, victim])
        }
    }

    private static func setColumn(_ column: String, _ value: (any DatabaseValueConvertible & Sendable)?) -> @Sendable (Database, String, String) throws -> Void {
        { db, victim, _ in
            try db.execute(sql: "UPDATE sealed_record SET \(column) = ? WHERE id = ?", arguments: [value, victim])
        }
    }

    @Test("A flipped ciphertext bit is detected") func ciphertext() async throws { try await expectTamperDetected(Self.flipFirstByte("ciphertext")) }
    @Test("A flipped tag bit is detected") func tag() async throws { try await expectTamperDetected(Self.flipFirstByte("tag")) }
    @Test("A flipped content nonce bit is detected") func nonce() async throws { try await expectTamperDetected(Self.flipFirstByte("nonce")) }
    @Test("A flipped wrapped key bit is detected") func wrappedKey() async throws { try await expectTamperDetected(Self.flipFirstByte("wrapped_key")) }
    @Test("A flipped wrap nonce bit is detected") func wrapNonce() async throws { try await expectTamperDetected(Self.flipFirstByte("wrap_nonce")) }
    @Test("A truncated wrapped key is detected") func truncatedWrappedKey() async throws {
        try await expectTamperDetected(Self.setColumn("wrapped_key", Data(count: 12)))
    }
    @Test("A changed owner is detected") func owner() async throws {
        try await expectTamperDetected(Self.setColumn("owner", "spiffe://warden.local/team/research/user/mallory"))
    }
    @Test("A changed domain is detected") func domain() async throws { try await expectTamperDetected(Self.setColumn("domain", "ops")) }
    @Test("A changed kind is detected") func kind() async throws { try await expectTamperDetected(Self.setColumn("kind", "completion")) }
    @Test("A changed model is detected") func model() async throws { try await expectTamperDetected(Self.setColumn("model", "llama-3-8b")) }
    @Test("A removed model is detected") func removedModel() async throws { try await expectTamperDetected(Self.setColumn("model", nil)) }
    @Test("A changed key version is refused") func keyVersion() async throws {
        try await expectTamperDetected(code: .keyVersionUnknown, Self.setColumn("key_version", 2))
    }

    @Test("A changed key version that exists in the ring fails authentication")
    func keyVersionSwappedAfterRotation() async throws {
        let directory = try TemporaryDirectory()
        let sink = RecordingSink()
        let store = try await makeStore(in: directory, sink: sink)
        let victim = try await store.seal(text: "prompt", metadata: aliceMetadata)
        try await KeyRingAdministration.rotate(at: directory.file("keyring.json"), actor: "op", sink: sink)
        try store.reloadKeyRingIfChanged()
        let queue = try DatabaseQueue(path: directory.file("prompts.db"))
        try await queue.write { db in try db.execute(sql: "UPDATE sealed_record SET key_version = 2 WHERE id = ?", arguments: [victim]) }
        let error = await expectSealError(.integrityFailure) { _ = try await store.read(id: victim, actor: "a") }
        #expect(error?.recordID == victim)
    }

    @Test("A ciphertext and wrapped key moved to another record fail to open there")
    func movedCiphertext() async throws {
        try await expectTamperDetected { db, victim, other in
            let row = try #require(
                try Row.fetchOne(
                    db, sql: "SELECT wrap_nonce, wrapped_key, nonce, ciphertext, tag, key_version FROM sealed_record WHERE id = ?",
                    arguments: [other]))
            try db.execute(
                sql: "UPDATE sealed_record SET wrap_nonce = ?, wrapped_key = ?, nonce = ?, ciphertext = ?, tag = ?, key_version = ? WHERE id = ?",
                arguments: [row["wrap_nonce"], row["wrapped_key"], row["nonce"], row["ciphertext"], row["tag"], row["key_version"], victim])
        }
    }

    @Test("A row whose id was swapped with another record's id fails to open")
    func swappedIdentifiers() async throws {
        try await expectTamperDetected { db, victim, other in
            try db.execute(sql: "UPDATE sealed_record SET id = 'tmp' WHERE id = ?", arguments: [victim])
            try db.execute(sql: "UPDATE sealed_record SET id = ? WHERE id = ?", arguments: [victim, other])
            try db.execute(sql: "UPDATE sealed_record SET id = ? WHERE id = 'tmp'", arguments: [other])
        }
    }
}
