import Dispatch
import Foundation
import GRDB
import Synchronization

/// The writer thread behind `AuditLog`: group commit, checkpoints, witness.
///
/// Isolation: `shared` (the queue of waiting callers) is guarded by a mutex and is the only state
/// touched by callers; `state`, the database connection and the witness file are touched only by
/// the writer thread once `start()` ran. That split is why this type is `@unchecked Sendable`.
final class AuditLogWriter: @unchecked Sendable {
    typealias AppendContinuation = CheckedContinuation<[AuditReceipt], any Error>
    typealias CheckpointContinuation = CheckedContinuation<AuditCheckpoint?, any Error>
    typealias CloseContinuation = CheckedContinuation<Void, any Error>

    struct Pending {
        let events: [AuditEvent]
        let continuation: AppendContinuation
    }

    struct Shared {
        var pending: [Pending] = []
        var checkpointRequests: [CheckpointContinuation] = []
        var closeRequests: [CloseContinuation] = []
        var closing = false
        var stopped = false
        /// True while the writer thread sleeps (or is about to): only then does an append signal it.
        var writerIdle = false
        var failure: AuditError?
    }

    /// Writer-thread state: the head of the chain and the right edge of the Merkle tree.
    struct ChainState {
        var nextSeq: UInt64
        var lastHash: [UInt8]
        var lastTimestamp: Int64
        var range: CompactRange
        var lastCheckpoint: AuditCheckpoint?
        var recordsSinceCheckpoint: UInt64
        var lastCheckpointTime: DispatchTime
    }

    let configuration: AuditLogConfiguration
    let signer: AuditSigner
    /// Held for each commit; other processes (the CLI beside a server) may append between our commits.
    let lock: AuditWriterLock
    let shared = Mutex(Shared())
    let wakeup = DispatchSemaphore(value: 0)
    let committedCount = Atomic<UInt64>(0)
    let transactionCount = Atomic<UInt64>(0)

    private var database: DatabaseQueue?
    private var witness: WitnessFile.Appender?
    private var state: ChainState
    private var scratch = [UInt8]()

    init(configuration: AuditLogConfiguration, signer: AuditSigner, lock: AuditWriterLock) throws(AuditError) {
        self.configuration = configuration
        self.signer = signer
        self.lock = lock
        let database = try Self.openDatabase(configuration: configuration)
        let witness = try WitnessFile.Appender(path: configuration.witnessPath)
        state = try Self.loadState(database: database, logID: configuration.logID)
        try Self.reconcileWitness(witness, state: state, logID: configuration.logID)
        self.database = database
        self.witness = witness
        committedCount.store(state.nextSeq - 1, ordering: .releasing)
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "WardenAudit.writer"
        thread.start()
    }

    // MARK: Called from any task

    private enum EnqueueOutcome {
        case rejected(AuditError)
        case queuedWriterAsleep
        case queuedWriterBusy
    }

    func enqueue(_ events: [AuditEvent], continuation: AppendContinuation) {
        let outcome: EnqueueOutcome = shared.withLock { s in
            if let failure = s.failure { return .rejected(failure) }
            if s.closing { return .rejected(AuditError(.closed, "the audit log is closed")) }
            s.pending.append(Pending(events: events, continuation: continuation))
            guard s.writerIdle else { return .queuedWriterBusy }
            s.writerIdle = false
            return .queuedWriterAsleep
        }
        switch outcome {
        case .rejected(let error): continuation.resume(throwing: error)
        case .queuedWriterAsleep: wakeup.signal()
        case .queuedWriterBusy: break
        }
    }

    func requestCheckpoint(_ continuation: CheckpointContinuation) {
        let rejection: AuditError? = shared.withLock { s in
            if let failure = s.failure { return failure }
            if s.closing { return AuditError(.closed, "the audit log is closed") }
            s.checkpointRequests.append(continuation)
            return nil
        }
        if let rejection { continuation.resume(throwing: rejection) } else { wakeup.signal() }
    }

    func requestClose(_ continuation: CloseContinuation) {
        let alreadyStopped = shared.withLock { s in
            if !s.stopped {
                s.closing = true
                s.closeRequests.append(continuation)
            }
            return s.stopped
        }
        if alreadyStopped { continuation.resume() } else { wakeup.signal() }
    }

    // MARK: Writer thread

    private func run() {
        while true {
            // Sleep only when there is nothing to do; callers signal only a sleeping writer, so a busy
            // writer is not woken once per append.
            let idle = shared.withLock { s in
                s.writerIdle = s.pending.isEmpty && s.checkpointRequests.isEmpty && !s.closing
                return s.writerIdle
            }
            if idle {
                if state.recordsSinceCheckpoint > 0 {
                    let due = state.lastCheckpointTime + configuration.checkpointIntervalSeconds
                    _ = wakeup.wait(timeout: due)
                } else {
                    wakeup.wait()
                }
                shared.withLock { $0.writerIdle = false }
            }
            let limit = configuration.maxBatchRecords
            let (batch, checkpointRequests, closing, moreQueued) = shared.withLock { s in
                var count = 0
                var taken = 0
                for p in s.pending {
                    guard taken == 0 || count + p.events.count <= limit else { break }
                    count += p.events.count
                    taken += 1
                }
                let batch = Array(s.pending.prefix(taken))
                s.pending.removeFirst(taken)
                let requests = s.checkpointRequests
                s.checkpointRequests.removeAll()
                return (batch, requests, s.closing, !s.pending.isEmpty)
            }
            if !batch.isEmpty { commit(batch) }
            let timeDue = state.recordsSinceCheckpoint > 0
                && DispatchTime.now() >= state.lastCheckpointTime + configuration.checkpointIntervalSeconds
            if timeDue || (!checkpointRequests.isEmpty && state.recordsSinceCheckpoint > 0) || (closing && !moreQueued) {
                if state.recordsSinceCheckpoint > 0 { writeStandaloneCheckpoint() }
            }
            let failure = shared.withLock { $0.failure }
            for request in checkpointRequests {
                if let failure { request.resume(throwing: failure) } else { request.resume(returning: state.lastCheckpoint) }
            }
            if moreQueued { continue }
            if closing {
                finish()
                return
            }
        }
    }

    private func finish() {
        let (closeRequests, pending, checkpointRequests) = shared.withLock { s in
            let result = (s.closeRequests, s.pending, s.checkpointRequests)
            s.closeRequests.removeAll()
            s.pending.removeAll()
            s.checkpointRequests.removeAll()
            return result
        }
        let closed = AuditError(.closed, "the audit log is closed")
        for p in pending { p.continuation.resume(throwing: closed) }
        for c in checkpointRequests { c.resume(throwing: closed) }
        witness = nil
        try? database?.close()
        database = nil
        // Close requests that arrived while finishing are answered here too.
        let late = shared.withLock { s in
            s.stopped = true
            defer { s.closeRequests.removeAll() }
            return s.closeRequests
        }
        for c in closeRequests + late { c.resume() }
    }

    /// Hashes, links and inserts one batch in a single transaction (signing a checkpoint inside it
    /// when the record threshold is reached), fsyncs, writes the witness, then resumes the callers.
    private func commit(_ batch: [Pending]) {
        if let failure = shared.withLock({ $0.failure }) {
            for p in batch { p.continuation.resume(throwing: failure) }
            return
        }
        do {
            try lock.withLock { () throws(AuditError) in
                try resynchroniseIfNeeded()
                commitHoldingLock(batch)
            }
        } catch {
            fail(error)
            for p in batch { p.continuation.resume(throwing: error) }
        }
    }

    /// Reloads the chain head when another process has appended (or checkpointed) since our last commit.
    /// Called with the writer lock held, so nobody can append between this check and our commit.
    private func resynchroniseIfNeeded() throws(AuditError) {
        guard let database else { throw AuditError(.closed, "the audit log is closed") }
        let head: (seq: UInt64, hash: [UInt8], checkpoint: UInt64)?
        do {
            head = try database.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1")
                else { return nil }
                let checkpoint = try Int64.fetchOne(db, sql: "SELECT MAX(tree_size) FROM audit_checkpoints") ?? 0
                return (UInt64(row[0] as Int64), [UInt8](row[1] as Data), UInt64(checkpoint))
            }
        } catch {
            throw AuditError(.storage, "cannot read the audit database: \(AuditStore.sqliteReason(error))")
        }
        guard let head else { return }
        let unchanged = head.seq == state.nextSeq - 1 && head.hash == state.lastHash
            && head.checkpoint == (state.lastCheckpoint?.treeSize ?? 0)
        if unchanged { return }
        let time = state.lastCheckpointTime
        state = try Self.loadState(database: database, logID: configuration.logID)
        state.lastCheckpointTime = time
        committedCount.store(state.nextSeq - 1, ordering: .releasing)
    }

    private func commitHoldingLock(_ batch: [Pending]) {
        let saved = state
        let timestamp = max(Self.nowMicros(), state.lastTimestamp)
        var rows = [StatementArguments]()
        var receipts = [[AuditReceipt]]()
        receipts.reserveCapacity(batch.count)
        var checkpoints = [AuditCheckpoint]()
        var compactRanges = [CompactRange]()
        var signingError: AuditError?
        for pending in batch {
            var mine = [AuditReceipt]()
            for event in pending.events {
                let fields = CanonicalEncoding.encodeFields(event.fields)
                let hash = CanonicalEncoding.recordHash(
                    logID: configuration.logID, seq: state.nextSeq, timestamp: timestamp, type: event.type.rawValue,
                    actor: event.actor, fieldsBlob: fields, prevHash: state.lastHash, scratch: &scratch
                )
                rows.append([
                    Int64(state.nextSeq), timestamp, event.type.rawValue, event.actor, Data(fields), Data(state.lastHash), Data(hash),
                ])
                mine.append(AuditReceipt(seq: state.nextSeq, timestamp: timestamp, hash: hash))
                state.range.append(recordHash: hash)
                state.lastHash = hash
                state.nextSeq += 1
                state.recordsSinceCheckpoint += 1
                // Count-based checkpoints fall on exact multiples of N, so auditors can name them in advance.
                if state.range.size % UInt64(configuration.checkpointEveryRecords) == 0 {
                    do {
                        checkpoints.append(try signer.sign(
                            logID: configuration.logID, treeSize: state.range.size, rootHash: state.range.root(), timestamp: timestamp
                        ))
                        compactRanges.append(state.range)
                    } catch {
                        signingError = error
                    }
                }
            }
            receipts.append(mine)
        }
        if let signingError {
            state = saved
            fail(signingError)
            for p in batch { p.continuation.resume(throwing: signingError) }
            return
        }
        state.lastTimestamp = timestamp
        do {
            try write(rows: rows, checkpoints: Array(zip(checkpoints, compactRanges)))
            for checkpoint in checkpoints { try recordCheckpointWritten(checkpoint) }
        } catch {
            state = saved
            fail(error)
            for p in batch { p.continuation.resume(throwing: error) }
            return
        }
        transactionCount.add(1, ordering: .relaxed)
        committedCount.store(state.nextSeq - 1, ordering: .releasing)
        for (pending, mine) in zip(batch, receipts) { pending.continuation.resume(returning: mine) }
    }

    private func writeStandaloneCheckpoint() {
        guard shared.withLock({ $0.failure }) == nil else { return }
        do {
            try lock.withLock { () throws(AuditError) in
                try resynchroniseIfNeeded()
                writeStandaloneCheckpointHoldingLock()
            }
        } catch {
            fail(error)
        }
    }

    private func writeStandaloneCheckpointHoldingLock() {
        guard state.recordsSinceCheckpoint > 0 else { return }
        do {
            let timestamp = max(Self.nowMicros(), state.lastTimestamp)
            let checkpoint = try signer.sign(
                logID: configuration.logID, treeSize: state.range.size, rootHash: state.range.root(), timestamp: timestamp
            )
            try write(rows: [], checkpoints: [(checkpoint, state.range)])
            state.lastTimestamp = timestamp
            try recordCheckpointWritten(checkpoint)
        } catch {
            fail(error)
        }
    }

    private func write(rows: [StatementArguments], checkpoints: [(AuditCheckpoint, CompactRange)]) throws(AuditError) {
        guard let database else { throw AuditError(.closed, "the audit log is closed") }
        do {
            try database.inTransaction { db in
                if !rows.isEmpty {
                    let insert = try db.cachedStatement(sql: AuditStore.insertRecordSQL)
                    for row in rows { try insert.execute(arguments: row) }
                }
                for (c, range) in checkpoints {
                    try db.execute(sql: AuditStore.insertCheckpointSQL, arguments: [
                        Int64(c.treeSize), Data(c.rootHash), c.timestamp, c.logID, c.keyID, Data(c.signature),
                        AuditStore.encodeRange(range),
                    ])
                }
                return .commit
            }
        } catch {
            throw AuditError(.storage, "cannot write to the audit database: \(AuditStore.sqliteReason(error))")
        }
    }

    private func recordCheckpointWritten(_ checkpoint: AuditCheckpoint) throws(AuditError) {
        state.lastCheckpoint = checkpoint
        state.recordsSinceCheckpoint = state.range.size - checkpoint.treeSize
        state.lastCheckpointTime = .now()
        guard let witness else { throw AuditError(.closed, "the audit log is closed") }
        try witness.append(checkpoint)
    }

    private func fail(_ error: AuditError) {
        shared.withLock { s in
            if s.failure == nil { s.failure = error }
        }
    }

    static func nowMicros() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down))
    }
}
