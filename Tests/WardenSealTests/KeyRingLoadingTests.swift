import Foundation
import Testing
import WardenSeal

@Suite("Key ring loading")
struct KeyRingLoadingTests {
    @Test("A missing key ring file is refused with a message naming the path")
    func missingFileIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("absent.json")
        let error = await expectSealError(.keyRingMissing) { _ = try KeyRingSource.file(path: path).load() }
        #expect(error?.description.contains(path) == true)
    }

    @Test("A world-readable or group-readable key ring is refused at store start")
    func permissiveFileIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let sink = RecordingSink()
        let path = directory.file("keyring.json")
        try await KeyRingAdministration.createKeyRing(at: path, actor: "op", sink: sink)
        for mode in [0o644, 0o640, 0o604, 0o620] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            let error = await expectSealError(.keyRingInsecure) {
                _ = try await SealedStore.open(
                    SealedStoreConfiguration(databasePath: directory.file("p.db"), keyRing: .file(path: path)), sink: sink)
            }
            #expect(error?.description.contains("chmod 600") == true)
        }
    }

    @Test("A corrupt key ring is refused: garbage, wrong format, damaged key material, missing primary")
    func corruptFilesAreRefused() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("keyring.json")
        try await KeyRingAdministration.createKeyRing(at: path, actor: "op", sink: RecordingSink())
        let good = try String(contentsOfFile: path, encoding: .utf8)
        let material = try #require(good.firstMatch(of: /"material" : "([^"]+)"/)?.1)
        var flipped = Array(material)
        flipped[0] = flipped[0] == "A" ? "B" : "A"
        let variants = [
            "not json at all",
            "",
            good.replacingOccurrences(of: "warden-keyring/v1", with: "warden-keyring/v9"),
            good.replacingOccurrences(of: String(material), with: String(flipped)),
            good.replacingOccurrences(of: "\"primary\" : 1", with: "\"primary\" : 7"),
            good.replacingOccurrences(of: String(material), with: "c2hvcnQ="),
            String(good.prefix(good.count / 2)),
        ]
        for variant in variants {
            try writeSecret(variant, to: path)
            await expectSealError(.keyRingCorrupt) { _ = try KeyRingSource.file(path: path).load() }
        }
    }

    @Test("A symbolic link in place of the key ring is refused")
    func symbolicLinkIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let real = directory.file("real.json")
        try await KeyRingAdministration.createKeyRing(at: real, actor: "op", sink: RecordingSink())
        let link = directory.file("link.json")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        await expectSealError(.keyRingInsecure) { _ = try KeyRingSource.file(path: link).load() }
    }

    @Test("Init creates a 0600 file, records an event, and refuses to overwrite an existing ring")
    func initCreatesPrivateFileOnce() async throws {
        let directory = try TemporaryDirectory()
        let sink = RecordingSink()
        let path = directory.file("keyring.json")
        let ring = try await KeyRingAdministration.createKeyRing(at: path, actor: "op", sink: sink)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(sink.events.map(\.kind) == [.keyRingCreated])
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        await expectSealError(.keyRingExists) {
            try await KeyRingAdministration.createKeyRing(at: path, actor: "op", sink: sink)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try KeyRingSource.file(path: path).load().primary.checkValue == ring.primary.checkValue)
    }

    @Test("Init does not create a key ring when the audit event cannot be recorded")
    func initFailsClosed() async throws {
        let directory = try TemporaryDirectory()
        let sink = RecordingSink()
        sink.setFailing(true)
        let path = directory.file("keyring.json")
        await expectSealError(.auditFailed) {
            try await KeyRingAdministration.createKeyRing(at: path, actor: "op", sink: sink)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("The environment and a systemd credential provide the same ring as the file")
    func environmentAndCredentialSources() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("keyring.json")
        let ring = try await KeyRingAdministration.createKeyRing(at: path, actor: "op", sink: RecordingSink())
        let json = try String(contentsOfFile: path, encoding: .utf8)
        let fromJSON = try KeyRingSource.environment(variable: "WARDEN_KEYRING").load(environment: ["WARDEN_KEYRING": json])
        let fromBase64 = try KeyRingSource.environment(variable: "WARDEN_KEYRING")
            .load(environment: ["WARDEN_KEYRING": Data(json.utf8).base64EncodedString()])
        let fromCredential = try KeyRingSource.systemdCredential(name: "keyring.json")
            .load(environment: ["CREDENTIALS_DIRECTORY": directory.path])
        for loaded in [fromJSON, fromBase64, fromCredential] {
            #expect(loaded.primary.checkValue == ring.primary.checkValue)
        }
        await expectSealError(.keyRingMissing) {
            _ = try KeyRingSource.environment(variable: "WARDEN_KEYRING").load(environment: [:])
        }
        await expectSealError(.keyRingMissing) {
            _ = try KeyRingSource.systemdCredential(name: "keyring.json").load(environment: [:])
        }
        await expectSealError(.invalidArgument) {
            _ = try KeyRingSource.systemdCredential(name: "../etc/passwd")
                .load(environment: ["CREDENTIALS_DIRECTORY": directory.path])
        }
    }

    @Test("Random and mutated key ring documents never crash the loader (seeded fuzz)")
    func fuzzedDocumentsAreRefusedCleanly() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("keyring.json")
        try await KeyRingAdministration.createKeyRing(at: path, actor: "op", sink: RecordingSink())
        let good = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        var rng = SplitMix64(seed: 0x5EA1_2026)
        var accepted = 0
        for iteration in 0..<600 {
            var bytes = good
            if iteration % 3 == 0 {
                bytes = (0..<Int(rng.next() % 512)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            } else {
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    let position = Int(rng.next() % UInt64(bytes.count))
                    switch rng.next() % 3 {
                    case 0: bytes[position] = UInt8(truncatingIfNeeded: rng.next())
                    case 1: bytes.remove(at: position)
                    default: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: position)
                    }
                }
            }
            let outcome = Result { () throws(SealError) -> KeyRing in
                try KeyRingSource.environment(variable: "K").load(environment: ["K": String(decoding: bytes, as: UTF8.self)])
            }
            switch outcome {
            case .success: accepted += 1
            case .failure(let error):
                let expected = error.code == .keyRingCorrupt || error.code == .keyRingMissing
                #expect(expected, "iteration \(iteration): \(error.description)")
            }
        }
        // Whitespace-only mutations may still parse; a damaged key never does (its check value fails).
        #expect(accepted < 600)
    }
}

/// Writes a file with mode 0600, as an operator's editor would leave it.
func writeSecret(_ text: String, to path: String) throws {
    try? FileManager.default.removeItem(atPath: path)
    guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
        throw CocoaError(.fileWriteUnknown)
    }
}

/// A small seeded generator so fuzz failures are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
