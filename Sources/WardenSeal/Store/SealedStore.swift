import Foundation
import GRDB
import Synchronization

/// The encrypted store for prompts, completions and request bodies.
///
/// Each record is sealed by ``Envelope`` under a fresh data key wrapped by the key ring's primary KEK, then inserted
/// through a group-commit writer. Every read, shred and key operation records a ``SealEvent`` first and fails closed if
/// the sink throws. Safe to share between tasks; open one per database file per process.
///
/// ```swift
/// let store = try await SealedStore.open(
///     SealedStoreConfiguration(databasePath: "/var/lib/warden/prompts.db", keyRing: .file(path: "/etc/warden/keyring.json")),
///     sink: auditSink)
/// let id = try await store.seal(Data(prompt.utf8), metadata: RecordMetadata(owner: identity, domain: team, kind: .prompt, model: model))
/// ```
public final class SealedStore: Sendable {
    /// The configuration the store was opened with.
    public let configuration: SealedStoreConfiguration
    let database: DatabasePool
    let sink: any SealEventSink
    let ledger: KeyUsageLedger
    let writer: GroupCommitWriter
    private let keyRingState: Mutex<KeyRingState>
    private let rotationInProgress = Atomic<Bool>(false)

    private struct KeyRingState {
        var ring: KeyRing
        var fileIdentity: [Int]?
        var lastCheck: ContinuousClock.Instant
    }

    private init(configuration: SealedStoreConfiguration, database: DatabasePool, ring: KeyRing, sink: any SealEventSink) {
        self.configuration = configuration
        self.database = database
        self.sink = sink
        self.ledger = KeyUsageLedger(database: database, limits: configuration.keyUsageLimits)
        self.writer = GroupCommitWriter(database: database)
        var identity: [Int]? = nil
        if case .file(let path) = configuration.keyRing { identity = SecretFile.identity(of: path) }
        self.keyRingState = Mutex(KeyRingState(ring: ring, fileIdentity: identity, lastCheck: .now))
    }

    /// Opens (creating if needed) the database and loads the key ring. A missing, corrupt or over-permissive key ring is
    /// refused here, at start, with a message naming the source. Interrupted shreds are completed before returning.
    public static func open(_ configuration: SealedStoreConfiguration, sink: any SealEventSink) async throws -> SealedStore {
        try configuration.keyUsageLimits.validate()
        guard configuration.batchSize > 0, configuration.maximumRecordSize > 0 else {
            throw SealError(.invalidArgument, "batch size and maximum record size must be positive")
        }
        let ring = try configuration.keyRing.load()
        let database = try openDatabase(at: configuration.databasePath)
        let store = SealedStore(configuration: configuration, database: database, ring: ring, sink: sink)
        try await store.completeInterruptedShreds()
        return store
    }

    private static func openDatabase(at path: String) throws(SealError) -> DatabasePool {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw SealError(.storageFailure, "\(path): cannot create the database file")
            }
        }
        // SQLite gives the -wal and -shm files the main file's permissions.
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // Zero freed content so destroyed keys and rewrapped keys do not linger in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        configuration.busyMode = .timeout(10)
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            // DatabasePool sets synchronous = NORMAL on the writer after prepareDatabase; put FULL back so a commit
            // that returned is on disk (see SWIFT-SERVER-NOTES §5).
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try migrator.migrate(pool)
            return pool
        } catch {
            throw SealError(.storageFailure, "\(path): cannot open the sealed store database (\(databaseErrorSummary(error)))")
        }
    }

    static func databaseErrorSummary(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return "SQLite \(error.resultCode)" }
        if let error = error as? SealError { return error.code.rawValue }
        return String(describing: type(of: error))
    }

    // MARK: Key ring

    /// The key ring now in use.
    public var keyRing: KeyRing { keyRingState.withLock { $0.ring } }

    /// Reloads a file-backed key ring if the file was replaced (by `warden keys rotate` or `retire`). Seals call this at
    /// most once a second, so a rotation is picked up without a restart. Returns whether a new ring was loaded.
    @discardableResult
    public func reloadKeyRingIfChanged() throws(SealError) -> Bool {
        guard case .file(let path) = configuration.keyRing else { return false }
        let identity = SecretFile.identity(of: path)
        let known = keyRingState.withLock { state -> [Int]? in
            state.lastCheck = .now
            return state.fileIdentity
        }
        guard identity != known else { return false }
        let ring = try configuration.keyRing.load()
        keyRingState.withLock { state in
            state.ring = ring
            state.fileIdentity = identity
        }
        return true
    }

    private func currentRing() -> KeyRing {
        let due = keyRingState.withLock { state in state.lastCheck.duration(to: .now) > .seconds(1) }
        if due {
            // A ring that became unreadable keeps the last good one in service; the next check tries again.
            _ = try? reloadKeyRingIfChanged()
        }
        return keyRingState.withLock { $0.ring }
    }

    /// The persisted, conservative use count of each KEK version in this database.
    public func keyUsage() throws(SealError) -> [UInt32: UInt64] {
        try ledger.persistedCounts()
    }

    // MARK: Sealing

    /// Seals `plaintext` and commits it; returns the new record's id once the record is durable (or, with
    /// ``SealDurability/queued``, once it is queued for the next group commit).
    ///
    /// If ``SealedStoreConfiguration/recordsStoreEvents`` is on, a `prompt.stored` event (actor: the owner) is recorded
    /// before the row is committed. The call costs the AES-GCM work plus a share of one group commit.
    public func seal(_ plaintext: some DataProtocol, metadata: RecordMetadata) async throws -> String {
        let (id, row) = try sealRow(plaintext, metadata: metadata)
        if configuration.recordsStoreEvents {
            try await KeyRingAdministration.record(
                SealEvent(
                    kind: .promptStored, actor: metadata.owner, recordIDs: [id],
                    fields: ["domain": metadata.domain, "kind": metadata.kind.rawValue],
                    integers: ["key_version": Int(row.envelope.keyVersion)]
                ),
                sink: sink
            )
        }
        switch configuration.durability {
        case .committed: try await writer.insert(row)
        case .queued: await writer.enqueue(row)
        }
        if row.rotationDue { await rotateForUsageLimit() }
        return id
    }

    /// Waits until every record queued so far is committed. With ``SealDurability/queued`` call it at shutdown; it
    /// throws ``SealError/Code/storageFailure`` if a queued record could not be written since the last flush.
    public func flush() async throws {
        try await writer.flush()
    }

    /// Records whose ids were returned by a ``SealDurability/queued`` seal but whose write failed (since start).
    public var lostRecordCount: Int {
        get async { await writer.lostRows }
    }

    /// Seals a string's UTF-8 bytes; see ``seal(_:metadata:)``.
    public func seal(text: String, metadata: RecordMetadata) async throws -> String {
        try await seal(Data(text.utf8), metadata: metadata)
    }

    /// The synchronous part of a seal: validation, one KEK use, and the envelope. Exposed to the benchmark through
    /// ``sealEnvelopeOnly(_:metadata:)`` so the crypto cost can be measured apart from the database.
    func sealRow(_ plaintext: some DataProtocol, metadata: RecordMetadata) throws(SealError) -> (String, SealedRow) {
        try metadata.validate()
        guard plaintext.count <= configuration.maximumRecordSize else {
            throw SealError(.recordTooLarge, "\(plaintext.count) bytes is more than \(configuration.maximumRecordSize)")
        }
        let kek = currentRing().primary
        let grant = try ledger.take(version: kek.version)
        let randomness = SealRandomness()
        let id = randomness.recordID
        let envelope = try Envelope.seal(plaintext, recordID: id, metadata: metadata, kek: kek, randomness: randomness)
        let now = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        var row = SealedRow(id: id, createdAtMilliseconds: now, metadata: metadata, envelope: envelope)
        row.rotationDue = grant == .granted(shouldRotate: true)
        return (id, row)
    }

    /// Seals without storing: validation, KEK accounting and the envelope, exactly as ``seal(_:metadata:)`` does before
    /// the database write. For benchmarks and for callers that store envelopes elsewhere.
    public func sealEnvelopeOnly(_ plaintext: some DataProtocol, metadata: RecordMetadata) throws(SealError) -> SealedEnvelope {
        try sealRow(plaintext, metadata: metadata).1.envelope
    }

    /// Rotates a writable ring once the primary passed ``KeyUsageLimits/rotateAt``; one caller at a time does it.
    private func rotateForUsageLimit() async {
        guard case .file(let path) = configuration.keyRing else { return }
        guard rotationInProgress.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return }
        defer { rotationInProgress.store(false, ordering: .releasing) }
        let primary = keyRing.primaryVersion
        // Another process may have rotated already.
        if (try? reloadKeyRingIfChanged()) == true, keyRing.primaryVersion != primary { return }
        _ = try? await KeyRingAdministration.rotate(at: path, actor: "warden-seal:usage-limit", reason: "usage-limit", sink: sink)
        _ = try? reloadKeyRingIfChanged()
    }
}
