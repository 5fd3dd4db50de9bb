import Foundation
import GRDB
import Testing
import WardenSeal

@Suite("No plaintext on disk")
struct NoPlaintextOnDiskTests {
    /// Every file SQLite may have written for the database: the file itself, its WAL, shared memory and rollback journal.
    private func databaseFiles(_ directory: TemporaryDirectory) -> [(String, Data)] {
        ["prompts.db", "prompts.db-wal", "prompts.db-shm", "prompts.db-journal"].compactMap { name in
            let path = directory.file(name)
            return FileManager.default.contents(atPath: path).map { (name, $0) }
        }
    }

    private func expectAbsent(_ needles: [Data], in directory: TemporaryDirectory, _ phase: String) {
        let files = databaseFiles(directory)
        #expect(files.contains { $0.0 == "prompts.db" })
        for (name, bytes) in files {
            for needle in needles {
                #expect(bytes.range(of: needle) == nil, "\(phase): \(name) contains a plaintext or key marker")
            }
        }
    }

    @Test("Distinctive prompts never appear in the db, WAL, shm or journal after many writes, rotation, rewrap and shredding")
    func plaintextNeverReachesDisk() async throws {
        let directory = try TemporaryDirectory()
        let sink = RecordingSink()
        let store = try await makeStore(in: directory, sink: sink)
        var markers: [Data] = []
        var ids: [String] = []
        for index in 0..<400 {
            let marker = "QUOKKA-SECRET-\(index)-MARMALADE"
            markers.append(Data(marker.utf8))
            let text = String(repeating: "\(marker) ", count: 1 + index % 40)
            ids.append(try await store.seal(text: text, metadata: aliceMetadata))
        }
        // The shared prefix would show up even if one marker were cut by a page boundary.
        let prefix = [Data("QUOKKA-SECRET".utf8), Data("MARMALADE".utf8)]
        expectAbsent(prefix, in: directory, "after writes")

        try await KeyRingAdministration.rotate(at: directory.file("keyring.json"), actor: "op", sink: sink)
        try store.reloadKeyRingIfChanged()
        for index in 400..<500 {
            let marker = "QUOKKA-SECRET-\(index)-MARMALADE"
            ids.append(try await store.seal(text: marker, metadata: aliceMetadata))
        }
        #expect(try await store.rewrap(actor: "op") == 400)
        expectAbsent(prefix, in: directory, "after rotation and rewrap")

        try await store.shred(.owner(aliceMetadata.owner), actor: "op")
        expectAbsent(prefix, in: directory, "after shredding")
        await expectSealError(.recordShredded) { _ = try await store.read(id: ids[0], actor: "a") }
    }

    @Test("After a shred, the destroyed wrapped keys are gone from the db and WAL bytes, not just unlinked")
    func shreddedKeysLeaveNoBytes() async throws {
        let directory = try TemporaryDirectory()
        let store = try await makeStore(in: directory)
        var ids: [String] = []
        for index in 0..<200 {
            ids.append(try await store.seal(text: "record \(index)", metadata: aliceMetadata))
        }
        let queue = try DatabaseQueue(path: directory.file("prompts.db"))
        let wrappedKeys = try await queue.read { db in
            try Data.fetchAll(db, sql: "SELECT wrapped_key FROM sealed_record")
        }
        #expect(wrappedKeys.count == 200)
        let files = databaseFiles(directory)
        #expect(files.contains { file in wrappedKeys.contains { file.1.range(of: $0) != nil } }, "keys are on disk before the shred")
        try await store.shred(.owner(aliceMetadata.owner), actor: "op")
        try queue.close()
        for (name, bytes) in databaseFiles(directory) {
            for key in wrappedKeys {
                #expect(bytes.range(of: key) == nil, "\(name) still holds a destroyed wrapped key")
            }
        }
        for id in ids.prefix(5) {
            let error = await expectSealError(.recordShredded) { _ = try await store.read(id: id, actor: "a") }
            #expect(error?.description.contains("shred") == true)
        }
    }

    @Test("The database file and its WAL are created owner-only")
    func databaseFilesArePrivate() async throws {
        let directory = try TemporaryDirectory()
        let store = try await makeStore(in: directory)
        _ = try await store.seal(text: "x", metadata: aliceMetadata)
        for name in ["prompts.db", "prompts.db-wal"] {
            let mode = try FileManager.default.attributesOfItem(atPath: directory.file(name))[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(name)")
        }
    }
}
