import Dispatch
import Synchronization

/// The append-only audit log of one gateway instance. Other processes on the same machine (the `warden keys`
/// commands beside a running server) may append too: writers take turns per commit under a file lock and
/// re-read the chain head when another has appended, so the log stays one chain.
///
/// `append` returns only after the record is committed with fsync, so a caller that awaits it
/// before answering never serves what it cannot audit. Concurrent appends are group-committed:
/// a dedicated writer thread (never Swift's cooperative pool) takes everything queued, writes it
/// in one transaction, signs a checkpoint when due, and then resumes all the callers at once.
/// Any write failure puts the log in a failed state in which every later append throws
/// (`AuditError.Code.closed`) until the process reopens it: fail closed.
///
/// Call `close()` at shutdown: it drains the queue and writes a final checkpoint.
public final class AuditLog: Sendable {
    public let configuration: AuditLogConfiguration
    /// Present when `configuration.hmacKeyPath` is set.
    public let keyedHasher: AuditKeyedHasher?
    private let writer: AuditLogWriter

    /// Opens (or creates) the log, recovers the witness after a crash, and starts the writer thread.
    /// Throws `.logBehindWitness` if the database lost records a witnessed checkpoint covers.
    public init(configuration: AuditLogConfiguration) throws(AuditError) {
        try configuration.validate()
        self.configuration = configuration
        self.keyedHasher = try configuration.hmacKeyPath.map { path throws(AuditError) in try AuditKeys.loadKeyedHasher(path: path) }
        let signer = try AuditKeys.loadSigner(path: configuration.signingKeyPath)
        let lock = try AuditWriterLock(databasePath: configuration.databasePath)
        writer = try lock.withLock { () throws(AuditError) in
            try AuditLogWriter(configuration: configuration, signer: signer, lock: lock)
        }
        writer.start()
    }

    /// Appends one event and returns once it is durable.
    @discardableResult
    public func append(_ event: AuditEvent) async throws(AuditError) -> AuditReceipt {
        try await append([event])[0]
    }

    /// Appends events as consecutive records in one transaction and returns once all are durable.
    public func append(_ events: [AuditEvent]) async throws(AuditError) -> [AuditReceipt] {
        guard !events.isEmpty else { return [] }
        for event in events { try event.validate() }
        do {
            return try await withCheckedThrowingContinuation { continuation in
                writer.enqueue(events, continuation: continuation)
            }
        } catch let error as AuditError {
            throw error
        } catch {
            throw AuditError(.storage, "append failed")
        }
    }

    /// HMAC-SHA256 of text for audit fields; throws if no HMAC key was configured.
    public func keyedHash(of text: String) throws(AuditError) -> String {
        guard let keyedHasher else { throw AuditError(.invalidConfiguration, "no HMAC key configured for keyed hashes") }
        return keyedHasher.keyedHash(of: text)
    }

    /// Signs a checkpoint now if records were appended since the last one, and returns the latest checkpoint.
    @discardableResult
    public func checkpoint() async throws(AuditError) -> AuditCheckpoint? {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                writer.requestCheckpoint(continuation)
            }
        } catch let error as AuditError {
            throw error
        } catch {
            throw AuditError(.storage, "checkpoint failed")
        }
    }

    /// Drains pending appends, writes a final checkpoint, and stops the writer. Later appends throw `.closed`.
    public func close() async throws(AuditError) {
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                writer.requestClose(continuation)
            }
        } catch let error as AuditError {
            throw error
        } catch {
            throw AuditError(.storage, "close failed")
        }
    }

    /// Number of records committed so far (including any archived ones).
    public var recordCount: UInt64 { writer.committedCount.load(ordering: .acquiring) }

    /// Number of transactions (each one fsync'd group commit) so far in this process.
    public var transactionCount: UInt64 { writer.transactionCount.load(ordering: .relaxed) }
}
