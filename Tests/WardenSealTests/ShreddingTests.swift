import Foundation
import GRDB
import Testing
import WardenSeal

@Suite("Crypto-shredding")
struct ShreddingTests {
    @Test("Shredding one id leaves others readable and records one event with that id")
    func shredOneRecord() async throws {
        let directory = try TemporaryDirectory()
        let sink = RecordingSink()
        let store = try await makeStore(in: directory, sink: sink)
        let doomed = try await store.seal(text: "forget me", metadata: aliceMetadata)
        let kept = try await store.seal(text: "keep me", metadata: aliceMetadata)
        let report = try await store.shred(.record(id: doomed), actor: "operator:dpo")
        #expect(report.shreddedRecordIDs == [doomed])
        let event = try #require(sink.events.last)
        #expect(event.kind == .promptShredded && event.recordIDs == [doomed] && event.actor == "operator:dpo")
        let error = await expectSealError(.recordShredded) { _ = try await store.read(id: doomed, actor: "a") }
        #expect(error?.recordID == doomed)
        guard case .shredded = try await store.state(id: doomed) else { Issue.record("state should be shredded"); return }
        #expect(try await store.read(id: kept, actor: "a").plaintext == Data("keep me".utf8))
        // Shredding again is a no-op, and an unknown id is an error.
        #expect(try await store.shred(.record(id: doomed), actor: "op").shreddedRecordIDs.isEmpty)
        await expectSealError(.recordNotFound) { try await store.shred(.record(id: RecordID.generate()), actor: "op") }
    }

    @Test("Shredding by subject destroys exactly that owner's records, in batches with one event each")
    func shredBySubject() async throws {
        let directory = try TemporaryDirectory()
        let sink = RecordingSink()
        let store = try await makeStore(in: directory, sink: sink) { $0.batchSize = 7 }
        let bob = RecordMetadata(owner: "spiffe://warden.local/team/ops/user/bob", domain: "ops", kind: .completion)
        var aliceIDs: [String] = []
        var bobIDs: [String] = []
        for index in 0..<20 {
            aliceIDs.append(try await store.seal(text: "alice \(index)", metadata: aliceMetadata))
            bobIDs.append(try await store.seal(text: "bob \(index)", metadata: bob))
        }
        let report = try await store.shred(.owner(aliceMetadata.owner), actor: "op")
        #expect(Set(report.shreddedRecordIDs) == Set(aliceIDs))
        #expect(report.events == 3)
        #expect(sink.events.filter { $0.kind == .promptShredded }.map(\.recordIDs.count) == [7, 7, 6])
        for id in bobIDs { _ = try await store.read(id: id, actor: "a") }
    }

    @Test("If the shred event cannot be recorded, nothing is destroyed and every record stays readable")
    func shredFailsClosed() async throws {
        let directory = try TemporaryDirectory()
        let sink = RecordingSink()
        let store = try await makeStore(in: directory, sink: sink)
        let id = try await store.seal(text: "still here", metadata: aliceMetadata)
        sink.setFailing(true)
        await expectSealError(.auditFailed) { try await store.shred(.owner(aliceMetadata.owner), actor: "op") }
        sink.setFailing(false)
        #expect(try await store.state(id: id) == .sealed(keyVersion: 1))
        #expect(try await store.read(id: id, actor: "a").plaintext == Data("still here".utf8))
    }

    @Test("A shred interrupted after marking is finished, with its event, when the store opens again")
    func interruptedShredIsCompleted() async throws {
        let directory = try TemporaryDirectory()
        let sink = RecordingSink()
        var id = ""
        do {
            let store = try await makeStore(in: directory, sink: sink)
            id = try await store.seal(text: "half shredded", metadata: aliceMetadata)
        }
        // Simulate a crash between step 1 (mark) and step 3 (destroy).
        let queue = try DatabaseQueue(path: directory.file("prompts.db"))
        let markedID = id
        try await queue.write { db in
            try db.execute(sql: "UPDATE sealed_record SET state = 'shredding' WHERE id = ?", arguments: [markedID])
        }
        try queue.close()
        let reopened = try await makeStore(in: directory, sink: sink)
        guard case .shredded = try await reopened.state(id: id) else { Issue.record("not completed"); return }
        #expect(sink.events.last?.kind == .promptShredded)
        #expect(sink.events.last?.recordIDs == [id])
        let remaining = try await DatabaseQueue(path: directory.file("prompts.db")).read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM sealed_record WHERE id = ? AND (wrapped_key IS NOT NULL OR ciphertext IS NOT NULL)",
                arguments: [markedID])
        }
        #expect(remaining == 0)
    }

    @Test("Retention shreds each domain by its own age and others by the default")
    func retentionPerDomain() async throws {
        let directory = try TemporaryDirectory()
        let sink = RecordingSink()
        let store = try await makeStore(in: directory, sink: sink) {
            $0.retention = RetentionPolicy(defaultMaximumAge: .seconds(30 * 86_400), maximumAgeByDomain: ["research": .seconds(7 * 86_400)])
        }
        let ops = RecordMetadata(owner: "spiffe://warden.local/team/ops/user/bob", domain: "ops", kind: .prompt)
        let research = try await store.seal(text: "r", metadata: aliceMetadata)
        let operations = try await store.seal(text: "o", metadata: ops)
        let now = Date()
        #expect(try await store.shredExpired(now: now.addingTimeInterval(6 * 86_400)).shreddedRecordIDs.isEmpty)
        #expect(try await store.shredExpired(now: now.addingTimeInterval(8 * 86_400)).shreddedRecordIDs == [research])
        #expect(try await store.state(id: operations) == .sealed(keyVersion: 1))
        let later = try await store.shredExpired(now: now.addingTimeInterval(31 * 86_400))
        #expect(later.shreddedRecordIDs == [operations])
        #expect(sink.events.filter { $0.kind == .promptShredded }.allSatisfy { $0.actor == "warden-seal:retention" })
    }

    @Test("The retention loop runs passes until cancelled")
    func retentionLoop() async throws {
        let directory = try TemporaryDirectory()
        let store = try await makeStore(in: directory) { $0.retention = RetentionPolicy(defaultMaximumAge: .seconds(1)) }
        let id = try await store.seal(text: "short-lived", metadata: aliceMetadata)
        try await Task.sleep(for: .milliseconds(1100))
        let task = Task { await store.runRetention(every: .milliseconds(50)) }
        var shredded = false
        for _ in 0..<100 where !shredded {
            try await Task.sleep(for: .milliseconds(20))
            if case .shredded = try await store.state(id: id) { shredded = true }
        }
        task.cancel()
        await task.value
        #expect(shredded)
    }
}
