import Crypto

/// The streaming core of verification, shared by the database and export verifiers.
///
/// Feed it checkpoints (each before the record that reaches its tree size) and records in order;
/// it keeps O(log n) Merkle state plus the checkpoints added but not yet reached, so memory stays
/// flat in the size of the log as long as callers stream checkpoints a bounded window ahead. It stops at the first problem. Hashes are held inline (`Digest32`) and
/// the record encoding is built in one reused buffer, so the per-record path does not allocate.
struct ChainVerifier {
    /// Where a stored record hash came from, for telling an edit from a move; nil for exports.
    typealias Locator = (_ hash: [UInt8]) -> UInt64?

    /// One record's stored columns, borrowed from SQLite or a batch buffer for the duration of a call.
    struct RecordView {
        var seq: UInt64
        var timestamp: Int64
        var type: UnsafeRawBufferPointer
        var actor: UnsafeRawBufferPointer
        var fields: UnsafeRawBufferPointer
        var prevHash: UnsafeRawBufferPointer
        var storedHash: UnsafeRawBufferPointer
    }

    let publicKey: AuditPublicKey
    private(set) var report: VerificationReport
    private var range: CompactRange
    private var lastHash: Digest32
    private var lastTimestamp: Int64 = .min
    private var nextSeq: UInt64
    /// Checkpoints waiting for the tree to reach their size, by size.
    private var pending: [UInt64: (checkpoint: AuditCheckpoint, fromWitness: Bool)] = [:]
    /// Size of the newest checkpoint whose root matched (records up to it are authenticated).
    private var verifiedSize: UInt64
    private var verifiedRoot: [UInt8]?
    /// Smallest tree size in `pending` (all are at least the current size), or `.max`: saves a
    /// dictionary lookup per record.
    private var nextPendingSize: UInt64 = .max
    private let hasher: RecordHasher
    /// Tree size before the first record (0, or the archived/exported prefix).
    private let baseSize: UInt64
    var locator: Locator?
    /// The checkpoint whose root matched last: its copies (the witness's, the export's) are
    /// identical in every field and need no second signature check.
    private var lastMatched: AuditCheckpoint?
    /// Most checkpoints ever waiting at once: what memory the checkpoints take (tests hold it small).
    private(set) var peakPendingCount = 0

    init(logID: String, publicKey: AuditPublicKey, baseSeq: UInt64, basePrevHash: [UInt8], baseRange: CompactRange) {
        self.publicKey = publicKey
        report = VerificationReport(logID: logID)
        range = baseRange
        // Both callers pass 32 bytes (checked when the archive base or export header was read).
        lastHash = Digest32(bytes: basePrevHash) ?? .zero
        nextSeq = baseSeq + 1
        verifiedSize = baseSeq
        hasher = RecordHasher(logIDBytes: Array(logID.utf8))
        baseSize = baseRange.size
        report.treeSize = baseRange.size
        report.root = baseRange.root()
    }

    /// A root mismatch waits until the record after the checkpoint was read: an insertion or
    /// deletion just before it shows up there and names the exact seq, which is more useful.
    private var deferred: VerificationProblem?
    /// Checkpoints older than the first record read (archived or not exported): signature checked only.
    private var skippedCheckpoints = 0
    private var deferredUntilSeq: UInt64 = 0

    var failed: Bool { report.problem != nil }

    mutating func appendNote(_ note: String) { report.notes.append(note) }
    var treeSize: UInt64 { range.size }

    mutating func fail(_ kind: VerificationProblem.Kind, _ seq: UInt64?, _ message: String) {
        if report.problem == nil { report.problem = VerificationProblem(kind: kind, seq: seq, message: message) }
        deferred = nil
    }

    private mutating func commitDeferred() {
        if let deferred, report.problem == nil { report.problem = deferred }
        deferred = nil
    }

    // MARK: Checkpoints

    /// Checks a checkpoint's log id, key and signature, and queues it for the root check.
    ///
    /// Add each checkpoint before the record that reaches its tree size (one whose size was passed
    /// already is reported as misplaced); checkpoints of greater sizes wait, so callers stream them
    /// a window ahead of the records. `signatureValid` is the result of `isValidSignature` when
    /// another thread computed it already.
    mutating func add(checkpoint c: AuditCheckpoint, fromWitness: Bool, signatureValid: Bool? = nil) {
        guard !failed else { return }
        if c == lastMatched { return }
        // The witness repeats the database's (or the export's) checkpoints. One identical in every
        // field, signature included, to a queued checkpoint passed the same checks when that one
        // was added; skipping them here halves the Ed25519 work without changing any outcome.
        if let existing = pending[c.treeSize], existing.checkpoint == c {
            if fromWitness { pending[c.treeSize] = (existing.checkpoint, true) }
            return
        }
        let source = fromWitness ? "witness checkpoint" : "checkpoint"
        guard c.logID == report.logID else {
            return fail(.wrongLog, nil, "\(source) of tree size \(c.treeSize) belongs to log '\(c.logID)', not '\(report.logID)'")
        }
        guard c.keyID == publicKey.keyID else {
            return fail(.wrongKey, c.treeSize,
                        "\(source) of tree size \(c.treeSize) was signed by key \(c.keyID), but the public key given is \(publicKey.keyID) (wrong public key, or a forged checkpoint)")
        }
        guard signatureValid ?? publicKey.isValidSignature(of: c) else {
            return fail(.forgedCheckpoint, c.treeSize, "\(source) of tree size \(c.treeSize) has an invalid signature")
        }
        if c.treeSize == verifiedSize, let verifiedRoot, c.treeSize == range.size {
            // The same tree size was already matched (e.g. the export's copy of a witnessed checkpoint).
            guard verifiedRoot == c.rootHash else {
                return fail(.forgedCheckpoint, c.treeSize, "two validly signed checkpoints of tree size \(c.treeSize) have different roots (fork)")
            }
            return
        }
        if let existing = pending[c.treeSize] {
            guard existing.checkpoint.rootHash == c.rootHash else {
                return fail(.forgedCheckpoint, c.treeSize, "two validly signed checkpoints of tree size \(c.treeSize) have different roots (fork)")
            }
            if fromWitness { pending[c.treeSize] = (existing.checkpoint, true) }
            return
        }
        if c.treeSize < range.size {
            if c.treeSize < baseSize {
                skippedCheckpoints += 1
                return
            }
            return fail(.malformed, c.treeSize, "checkpoint of tree size \(c.treeSize) appears after its records")
        }
        pending[c.treeSize] = (c, fromWitness)
        peakPendingCount = max(peakPendingCount, pending.count)
        nextPendingSize = min(nextPendingSize, c.treeSize)
        if c.treeSize == range.size { checkRoot(at: c.treeSize) }
    }

    private mutating func checkRoot(at size: UInt64) {
        guard let (c, fromWitness) = pending.removeValue(forKey: size) else { return }
        nextPendingSize = pending.keys.min() ?? .max
        let root = range.root()
        guard root == c.rootHash else {
            guard deferred == nil else { return }
            let first = verifiedSize + 1
            let source = fromWitness ? "witness checkpoint" : "checkpoint"
            deferred = VerificationProblem(kind: .rewritten, seq: first,
                        message: "records \(first)...\(size) do not match the signed \(source) of tree size \(size): the history after seq \(verifiedSize) was rewritten")
            deferredUntilSeq = size + 1
            return
        }
        verifiedSize = size
        verifiedRoot = root
        lastMatched = c
        report.checkpointCount += 1
        if fromWitness { report.witnessCheckpointCount += 1 }
        if size >= (report.signedTreeSize ?? 0) {
            report.signedTreeSize = size
            report.signedRoot = root
        }
    }

    // MARK: Records

    /// Checks one record. The columns are the raw stored bytes; `recomputed` is the record's hash
    /// recomputed at its stored seq when another thread already computed it (it depends on the
    /// record alone), or nil to compute it here.
    mutating func consume(_ record: RecordView, recomputed: Digest32? = nil) {
        guard !failed else { return }
        let seq = record.seq
        if deferred != nil, seq > deferredUntilSeq { return commitDeferred() }
        if seq != nextSeq {
            if seq < nextSeq {
                return fail(.inserted, seq, "record \(seq) appears again after record \(nextSeq - 1) (inserted or duplicated)")
            }
            let missing = seq - 1 == nextSeq ? "record \(nextSeq) is missing" : "records \(nextSeq)...\(seq - 1) are missing"
            return fail(.deleted, nextSeq, "\(missing) (deleted)")
        }
        let digest = recomputed ?? hasher.hash(
            seq: seq, timestamp: record.timestamp, type: record.type, actor: record.actor, fields: record.fields, prevHash: record.prevHash
        )
        guard digest.matches(record.storedHash) else { return classifyMismatch(record) }
        guard lastHash.matches(record.prevHash) else {
            let replaced = seq - 1
            return fail(.modified, replaced,
                        "record \(replaced) does not match the hash that record \(seq) links to (record \(replaced) was replaced)")
        }
        let timestamp = record.timestamp
        guard timestamp >= lastTimestamp else {
            return fail(.reordered, seq, "record \(seq) is timestamped before record \(seq - 1)")
        }
        lastTimestamp = timestamp
        nextSeq = seq + 1
        lastHash = digest
        range.append(leaf: Digest32.leafHash(of: digest))
        if report.firstSeq == nil { report.firstSeq = seq }
        report.lastSeq = seq
        report.recordCount += 1
        if range.size == nextPendingSize { checkRoot(at: range.size) }
    }

    /// `consume` for a record held in arrays (export lines read by the general parser).
    mutating func consume(
        seq: UInt64, timestamp: Int64, type: [UInt8], actor: [UInt8], fields: [UInt8], prevHash: [UInt8], hash: [UInt8]
    ) {
        type.withUnsafeBytes { t in
            actor.withUnsafeBytes { a in
                fields.withUnsafeBytes { f in
                    prevHash.withUnsafeBytes { p in
                        hash.withUnsafeBytes { h in
                            consume(RecordView(seq: seq, timestamp: timestamp, type: t, actor: a, fields: f, prevHash: p, storedHash: h))
                        }
                    }
                }
            }
        }
    }

    /// Tells an edited record from one moved by an insertion, deletion or swap, by finding where
    /// the record's predecessor (its stored prev hash) now is and re-hashing it with that position.
    private mutating func classifyMismatch(_ record: RecordView) {
        let seq = record.seq
        let prevHash = Array(record.prevHash)
        var candidates = [UInt64]()
        if let locator, let predecessor = locator(prevHash) { candidates.append(predecessor + 1) }
        if prevHash == AuditRecord.genesisPrevHash { candidates.append(1) }
        candidates.append(contentsOf: [seq - 1, seq + 1])
        for original in candidates where original != seq && original >= 1 {
            let rehashed = hasher.hash(
                seq: original, timestamp: record.timestamp, type: record.type, actor: record.actor, fields: record.fields,
                prevHash: record.prevHash
            )
            guard rehashed.matches(record.storedHash) else { continue }
            if original == seq - 1 {
                return fail(.inserted, seq - 1,
                            "record \(seq - 1) was inserted: the record now at seq \(seq) was originally seq \(seq - 1)")
            }
            if original == seq + 1 && locator?(prevHash) == nil {
                return fail(.deleted, seq,
                            "record \(seq) was deleted and the records after it renumbered: the record now at seq \(seq) was originally seq \(seq + 1)")
            }
            return fail(.reordered, seq, "record at seq \(seq) was originally seq \(original) (records moved or swapped)")
        }
        fail(.modified, seq, "record \(seq) was modified: its content does not match its hash")
    }

    // MARK: End

    /// Reports checkpoints that cover records never seen (a cut-off tail) and finishes the report.
    mutating func finish() -> VerificationReport {
        commitDeferred()
        if !failed, let beyond = pending.keys.min() {
            let source = pending[beyond]!.fromWitness ? "the witness" : "the log"
            fail(.truncated, range.size + 1,
                 "the log ends at seq \(range.size), but a signed checkpoint in \(source) covers \(beyond) records: records \(range.size + 1)...\(beyond) were cut off")
        }
        report.treeSize = range.size
        report.root = range.root()
        if skippedCheckpoints > 0 {
            report.notes.append("\(skippedCheckpoints) checkpoints precede the first record read (archived or not exported); only their signatures were checked")
        }
        if !failed, range.size > verifiedSize {
            report.notes.append("\(range.size - verifiedSize) records after seq \(verifiedSize) are not yet covered by a signed checkpoint")
        }
        return report
    }
}
