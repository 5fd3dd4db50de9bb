import Foundation
import Testing
import WardenSeal

@Suite("Key rotation, rewrap and retirement")
struct KeyRotationTests {
    @Test("Rotation and rewrap while writers are active lose nothing, and every record opens")
    func rotateAndRewrapUnderLoad() async throws {
        let directory = try TemporaryDirectory()
        let sink = RecordingSink()
        let store = try await makeStore(in: directory, sink: sink) { $0.batchSize = 50 }
        let keyRingPath = directory.file("keyring.json")
        let written = try await withThrowingTaskGroup(of: [(String, String)].self) { group in
            for writer in 0..<8 {
                group.addTask {
                    var records: [(String, String)] = []
                    for index in 0..<120 {
                        let text = "writer \(writer) record \(index)"
                        records.append((try await store.seal(text: text, metadata: aliceMetadata), text))
                    }
                    return records
                }
            }
            group.addTask {
                for _ in 0..<3 {
                    try await Task.sleep(for: .milliseconds(30))
                    try await KeyRingAdministration.rotate(at: keyRingPath, actor: "op", sink: sink)
                    try store.reloadKeyRingIfChanged()
                    try await store.rewrap(actor: "op")
                }
                return []
            }
            var all: [(String, String)] = []
            for try await part in group { all += part }
            return all
        }
        #expect(written.count == 960)
        try await store.rewrap(actor: "op")
        let primary = store.keyRing.primaryVersion
        #expect(primary == 4)
        for (id, text) in written {
            let record = try await store.read(id: id, actor: "auditor")
            #expect(record.plaintext == Data(text.utf8))
            #expect(record.keyVersion == primary)
        }
        for version: UInt32 in 1..<primary {
            #expect(try await store.liveRecordCount(keyVersion: version) == 0)
        }
    }

    @Test("Retiring a version still in use is refused; after rewrap it succeeds and everything still opens")
    func retireNeedsRewrap() async throws {
        let directory = try TemporaryDirectory()
        let sink = RecordingSink()
        let store = try await makeStore(in: directory, sink: sink)
        let keyRingPath = directory.file("keyring.json")
        let old = try await store.seal(text: "old record", metadata: aliceMetadata)
        try await KeyRingAdministration.rotate(at: keyRingPath, actor: "op", sink: sink)
        try store.reloadKeyRingIfChanged()
        let new = try await store.seal(text: "new record", metadata: aliceMetadata)
        #expect(try await store.state(id: new) == .sealed(keyVersion: 2))
        #expect(try await store.read(id: old, actor: "a").keyVersion == 1)
        await expectSealError(.keyOperationRefused) {
            try await KeyRingAdministration.retire(version: 1, at: keyRingPath, checkedAgainst: store, actor: "op", sink: sink)
        }
        await expectSealError(.keyOperationRefused) {
            try await KeyRingAdministration.retire(version: 2, at: keyRingPath, checkedAgainst: store, actor: "op", sink: sink)
        }
        #expect(try await store.rewrap(actor: "op") == 1)
        let ring = try await KeyRingAdministration.retire(version: 1, at: keyRingPath, checkedAgainst: store, actor: "op", sink: sink)
        #expect(ring.keys.map(\.version) == [2] && ring.retiredVersions == [1])
        try store.reloadKeyRingIfChanged()
        #expect(try await store.read(id: old, actor: "a").plaintext == Data("old record".utf8))
        // A retired version number is never handed out again.
        #expect(try await KeyRingAdministration.rotate(at: keyRingPath, actor: "op", sink: sink).primaryVersion == 3)
        let kinds = sink.events.map(\.kind)
        #expect(kinds.contains(.keyRotated) && kinds.contains(.keyRewrapped) && kinds.contains(.keyRetired))
    }

    @Test("A rotation whose audit event fails leaves the key ring unchanged")
    func rotationFailsClosed() async throws {
        let directory = try TemporaryDirectory()
        let sink = RecordingSink()
        _ = try await makeStore(in: directory, sink: sink)
        let keyRingPath = directory.file("keyring.json")
        let before = try Data(contentsOf: URL(fileURLWithPath: keyRingPath))
        sink.setFailing(true)
        await expectSealError(.auditFailed) { try await KeyRingAdministration.rotate(at: keyRingPath, actor: "op", sink: sink) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: keyRingPath)) == before)
    }

    @Test("Use counts persist across restarts and the store rotates a writable ring at the threshold")
    func usageLimitRotatesWritableRing() async throws {
        let directory = try TemporaryDirectory()
        let sink = RecordingSink()
        let limits = KeyUsageLimits(rotateAt: 25, refuseAt: 40, reservationBlock: 10)
        do {
            let store = try await makeStore(in: directory, sink: sink) { $0.keyUsageLimits = limits }
            for index in 0..<12 { _ = try await store.seal(text: "\(index)", metadata: aliceMetadata) }
            #expect(try store.keyUsage()[1] == 20)
        }
        let store = try await makeStore(in: directory, sink: sink) { $0.keyUsageLimits = limits }
        // The restart resumes from the reserved 20, so the 5th seal after it reaches 25 and triggers rotation.
        var versions: [UInt32] = []
        for index in 0..<8 {
            let id = try await store.seal(text: "\(index)", metadata: aliceMetadata)
            if case .sealed(let version) = try await store.state(id: id) { versions.append(version) }
        }
        #expect(versions.prefix(5).allSatisfy { $0 == 1 })
        #expect(versions.suffix(3).allSatisfy { $0 == 2 })
        let rotation = try #require(sink.events.first { $0.kind == .keyRotated })
        #expect(rotation.actor == "warden-seal:usage-limit" && rotation.fields["reason"] == "usage-limit")
    }

    @Test("A read-only ring at the hard limit refuses to seal with a message to rotate")
    func usageLimitRefusesReadOnlyRing() async throws {
        let directory = try TemporaryDirectory()
        let sink = RecordingSink()
        let keyRingPath = directory.file("keyring.json")
        try await KeyRingAdministration.createKeyRing(at: keyRingPath, actor: "op", sink: sink)
        let json = try String(contentsOfFile: keyRingPath, encoding: .utf8)
        setenv("WARDEN_SEAL_TEST_KEYRING", json, 1)
        defer { unsetenv("WARDEN_SEAL_TEST_KEYRING") }
        var configuration = SealedStoreConfiguration(
            databasePath: directory.file("prompts.db"), keyRing: .environment(variable: "WARDEN_SEAL_TEST_KEYRING"))
        configuration.keyUsageLimits = KeyUsageLimits(rotateAt: 3, refuseAt: 5, reservationBlock: 2)
        let store = try await SealedStore.open(configuration, sink: sink)
        for index in 0..<5 { _ = try await store.seal(text: "\(index)", metadata: aliceMetadata) }
        let error = await expectSealError(.keyUsageExhausted) { _ = try await store.seal(text: "one too many", metadata: aliceMetadata) }
        #expect(error?.description.contains("rotate") == true)
        #expect(!sink.events.contains { $0.kind == .keyRotated })
    }

    @Test("A running store starts sealing with a rotated primary within a second, without being told")
    func runningStorePicksUpRotation() async throws {
        let directory = try TemporaryDirectory()
        let sink = RecordingSink()
        let store = try await makeStore(in: directory, sink: sink)
        let before = try await store.seal(text: "before", metadata: aliceMetadata)
        try await KeyRingAdministration.rotate(at: directory.file("keyring.json"), actor: "op", sink: sink)
        try await Task.sleep(for: .milliseconds(1100))
        let after = try await store.seal(text: "after", metadata: aliceMetadata)
        #expect(try await store.state(id: before) == .sealed(keyVersion: 1))
        #expect(try await store.state(id: after) == .sealed(keyVersion: 2))
        #expect(try await store.read(id: before, actor: "a").plaintext == Data("before".utf8))
    }

    @Test("Limits beyond the GCM bound are refused")
    func limitsAreValidated() async throws {
        let directory = try TemporaryDirectory()
        await expectSealError(.invalidArgument) {
            _ = try await makeStore(in: directory) { $0.keyUsageLimits = KeyUsageLimits(rotateAt: 1 << 31, refuseAt: 1 << 32, reservationBlock: 1) }
        }
    }
}
