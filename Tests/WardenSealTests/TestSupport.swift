import Foundation
import Testing
import Synchronization
import WardenSeal

/// A scratch directory removed when the value is released.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "warden-seal-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A sink that keeps events in memory and can be told to fail, standing in for the audit log inside unit tests.
final class RecordingSink: SealEventSink {
    struct Refused: Error {}
    private let state = Mutex<(events: [SealEvent], failing: Bool)>(([], false))

    var events: [SealEvent] { state.withLock { $0.events } }
    func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }

    func record(_ event: SealEvent) async throws {
        try state.withLock { state in
            if state.failing { throw Refused() }
            state.events.append(event)
        }
    }
}

/// Opens a fresh key ring and store in `directory`.
func makeStore(
    in directory: TemporaryDirectory, sink: RecordingSink = RecordingSink(),
    configure: (inout SealedStoreConfiguration) -> Void = { _ in }
) async throws -> SealedStore {
    let keyRingPath = directory.file("keyring.json")
    if !FileManager.default.fileExists(atPath: keyRingPath) {
        try await KeyRingAdministration.createKeyRing(at: keyRingPath, actor: "test-operator", sink: sink)
    }
    var configuration = SealedStoreConfiguration(databasePath: directory.file("prompts.db"), keyRing: .file(path: keyRingPath))
    configure(&configuration)
    return try await SealedStore.open(configuration, sink: sink)
}

let aliceMetadata = RecordMetadata(
    owner: "spiffe://warden.local/team/research/user/alice", domain: "research", kind: .prompt, model: "gemma-3-1b")

/// Expects `body` to throw a ``SealError`` with `code`; returns it for further checks.
@discardableResult
func expectSealError(
    _ code: SealError.Code, _ body: () async throws -> Void
) async -> SealError? {
    do {
        try await body()
        Issue.record("expected \(code), but nothing was thrown")
        return nil
    } catch let error as SealError {
        #expect(error.code == code, "got \(error)")
        return error
    } catch {
        Issue.record("expected SealError \(code), got \(type(of: error))")
        return nil
    }
}

