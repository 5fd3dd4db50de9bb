import Foundation
import Testing
import WardenSeal

@Suite("Sealing and reading back")
struct SealedStoreTests {
    @Test("A sealed prompt reads back with its metadata, and the read is an audit event naming the actor")
    func sealedRecordReadsBack() async throws {
        let directory = try TemporaryDirectory()
        let sink = RecordingSink()
        let store = try await makeStore(in: directory, sink: sink)
        let id = try await store.seal(text: "Summarise the Q3 board minutes", metadata: aliceMetadata)
        let record = try await store.read(id: id, actor: "auditor:carol")
        #expect(String(decoding: record.plaintext, as: UTF8.self) == "Summarise the Q3 board minutes")
        #expect(record.metadata == aliceMetadata)
        #expect(record.keyVersion == 1)
        let read = try #require(sink.events.last)
        #expect(read.kind == .promptRead)
        #expect(read.actor == "auditor:carol")
        #expect(read.recordIDs == [id])
        #expect(sink.events.contains { $0.kind == .promptStored && $0.recordIDs == [id] && $0.actor == aliceMetadata.owner })
    }

    @Test("Audit events carry ids and versions but never the plaintext")
    func eventsNeverCarryPlaintext() async throws {
        let directory = try TemporaryDirectory()
        let sink = RecordingSink()
        let store = try await makeStore(in: directory, sink: sink)
        let secret = "ZEBRA-PLAINTEXT-7731"
        let id = try await store.seal(text: secret, metadata: aliceMetadata)
        _ = try await store.read(id: id, actor: "auditor")
        try await store.shred(.record(id: id), actor: "operator")
        for event in sink.events {
            let rendered = "\(event.fields) \(event.integers) \(event.recordIDs) \(event.actor)"
            #expect(!rendered.contains(secret))
        }
    }

    @Test("A read whose audit event cannot be recorded returns no plaintext")
    func readFailsClosed() async throws {
        let directory = try TemporaryDirectory()
        let sink = RecordingSink()
        let store = try await makeStore(in: directory, sink: sink)
        let id = try await store.seal(text: "hello", metadata: aliceMetadata)
        sink.setFailing(true)
        await expectSealError(.auditFailed) { _ = try await store.read(id: id, actor: "auditor") }
    }

    @Test("A seal whose stored event cannot be recorded stores nothing and returns no id")
    func sealFailsClosed() async throws {
        let directory = try TemporaryDirectory()
        let sink = RecordingSink()
        let store = try await makeStore(in: directory, sink: sink)
        sink.setFailing(true)
        await expectSealError(.auditFailed) { _ = try await store.seal(text: "hello", metadata: aliceMetadata) }
        #expect(try await store.recordCounts().isEmpty)
    }

    @Test("Bad input gets a clear error: malformed id, unknown id, empty or oversized metadata, oversized record")
    func badInputIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let store = try await makeStore(in: directory) { $0.maximumRecordSize = 1024 }
        for bad in ["", "xyz", "'; DROP TABLE sealed_record; --", String(repeating: "A", count: 32), String(repeating: "0", count: 33)] {
            await expectSealError(.invalidRecordID) { _ = try await store.read(id: bad, actor: "a") }
        }
        await expectSealError(.recordNotFound) { _ = try await store.read(id: RecordID.generate(), actor: "a") }
        await expectSealError(.invalidMetadata) {
            _ = try await store.seal(text: "x", metadata: RecordMetadata(owner: "", domain: "d", kind: .prompt))
        }
        await expectSealError(.invalidMetadata) {
            _ = try await store.seal(
                text: "x", metadata: RecordMetadata(owner: "o", domain: String(repeating: "d", count: 300), kind: .prompt))
        }
        await expectSealError(.invalidMetadata) {
            _ = try await store.seal(text: "x", metadata: RecordMetadata(owner: "o", domain: "d", kind: .prompt, model: ""))
        }
        await expectSealError(.recordTooLarge) {
            _ = try await store.seal(Data(count: 1025), metadata: aliceMetadata)
        }
        #expect(RecordKind(rawValue: "secret-notes") == nil)
    }

    @Test("Empty and large records round-trip, and records survive reopening the store")
    func recordsSurviveReopening() async throws {
        let directory = try TemporaryDirectory()
        let large = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        var ids: [String] = []
        do {
            let store = try await makeStore(in: directory)
            ids.append(try await store.seal(Data(), metadata: aliceMetadata))
            ids.append(try await store.seal(large, metadata: aliceMetadata))
        }
        let reopened = try await makeStore(in: directory)
        #expect(try await reopened.read(id: ids[0], actor: "a").plaintext.isEmpty)
        #expect(try await reopened.read(id: ids[1], actor: "a").plaintext == large)
    }

    @Test("Queued seals return before the commit, and flush makes them all durable and readable")
    func queuedSealsFlush() async throws {
        let directory = try TemporaryDirectory()
        var ids: [String] = []
        do {
            let store = try await makeStore(in: directory) { $0.durability = .queued }
            for index in 0..<300 { ids.append(try await store.seal(text: "queued \(index)", metadata: aliceMetadata)) }
            try await store.flush()
            #expect(await store.lostRecordCount == 0)
        }
        let reopened = try await makeStore(in: directory)
        #expect(try await reopened.recordCounts()["sealed"] == 300)
        #expect(try await reopened.read(id: ids[299], actor: "a").plaintext == Data("queued 299".utf8))
    }

    @Test("A database file that is not SQLite is refused with a storage error, not a crash")
    func corruptDatabaseIsRefused() async throws {
        let directory = try TemporaryDirectory()
        try writeSecret(String(repeating: "not a database ", count: 400), to: directory.file("prompts.db"))
        let error = await expectSealError(.storageFailure) { _ = try await makeStore(in: directory) }
        #expect(error?.description.contains("prompts.db") == true)
    }

    @Test("Ages parse with units and refuse hostile values")
    func agesParse() async throws {
        #expect(try RetentionAge.parse("30d") == .seconds(30 * 86_400))
        #expect(try RetentionAge.parse("12h") == .seconds(12 * 3_600))
        #expect(try RetentionAge.parse("2w") == .seconds(2 * 604_800))
        #expect(try RetentionAge.parse("45s") == .seconds(45))
        for bad in ["", "d", "30", "-3d", "0d", "3.5d", "30y", "99999999999999d", "٣d", "30 d", String(repeating: "9", count: 40) + "d"] {
            await expectSealError(.invalidArgument) { _ = try RetentionAge.parse(bad) }
        }
    }
}
