/// A block of records copied out of storage, with the hashes that depend on each record alone.
///
/// Verification splits into work that depends only on one record (reading it, recomputing its
/// hash at its stored seq) and work that depends on the chain (links, gaps, order, Merkle leaves
/// and nodes, checkpoint roots). Batches carry the first kind from a reader
/// thread to the verifying thread. Memory is owned here and reused batch after batch, so it is
/// bounded by `rowCapacity` rows (and the largest row), not by the size of the log.
final class RecordBatch: @unchecked Sendable {
    /// Why the reader stopped after this batch's rows (nil: more batches follow).
    enum End: Equatable {
        case done
        case invalidSeq(Int64)
        case storageError(Int32)
        /// The source could not be read further (an export line too long, a read error).
        case failure(AuditError)
    }

    /// An export line that is not a record in Warden's own form (a checkpoint, or a record the
    /// strict parser must read): it follows this batch's rows, and the next batch follows it.
    struct OtherLine {
        var bytes: [UInt8]
        var number: Int
    }

    static let defaultRowCapacity = 1024
    /// A batch is closed early once its copied bytes pass this, keeping big rows from piling up.
    static let softByteLimit = 1 << 20
    private static let columns = 5

    let rowCapacity: Int
    // The mutable state below is touched by one thread at a time (the reader fills a batch, then
    // hands it over under a lock); unchecked, so the per-row accesses skip dynamic exclusivity checks.
    @exclusivity(unchecked) private(set) var count = 0
    @exclusivity(unchecked) var end: End?
    @exclusivity(unchecked) var otherLine: OtherLine?
    /// For exports: the line number of row 0 (rows are consecutive lines).
    @exclusivity(unchecked) var firstLineNumber = 0
    /// For databases: the stored checkpoints the chain may reach within this batch's rows (or all
    /// the rest, in the last batch), in tree-size order, with their signature checked by the reader
    /// (nil: signed by another key, left to the verifier to report).
    @exclusivity(unchecked) var checkpoints: [(checkpoint: AuditCheckpoint, signatureValid: Bool?)] = []
    private let seqs: UnsafeMutablePointer<UInt64>
    private let timestamps: UnsafeMutablePointer<Int64>
    /// End offsets in `arena` of each row's five byte columns (type, actor, fields, prev_hash, hash).
    private let ends: UnsafeMutablePointer<Int>
    private let recomputed: UnsafeMutablePointer<Digest32>
    @exclusivity(unchecked) private var arena: UnsafeMutableRawBufferPointer
    @exclusivity(unchecked) private var used = 0
    @exclusivity(unchecked) private var hashedCount = 0

    init(rowCapacity: Int = defaultRowCapacity) {
        precondition(rowCapacity >= 1)
        self.rowCapacity = rowCapacity
        seqs = .allocate(capacity: rowCapacity)
        timestamps = .allocate(capacity: rowCapacity)
        ends = .allocate(capacity: rowCapacity * Self.columns)
        recomputed = .allocate(capacity: rowCapacity)
        arena = .allocate(byteCount: Self.softByteLimit + 64 * 1024, alignment: 16)
    }

    deinit {
        seqs.deallocate()
        timestamps.deallocate()
        ends.deallocate()
        recomputed.deallocate()
        arena.deallocate()
    }

    var isFull: Bool { count == rowCapacity || used >= Self.softByteLimit }

    func reset() {
        count = 0
        used = 0
        end = nil
        otherLine = nil
        firstLineNumber = 0
        hashedCount = 0
        checkpoints.removeAll(keepingCapacity: true)
    }

    /// Copies one record's columns in (they may point into SQLite's row, valid only until the next step).
    func append(
        seq: UInt64, timestamp: Int64, type: UnsafeRawBufferPointer, actor: UnsafeRawBufferPointer,
        fields: UnsafeRawBufferPointer, prevHash: UnsafeRawBufferPointer, hash: UnsafeRawBufferPointer
    ) {
        precondition(count < rowCapacity, "batch is full")
        let needed = type.count + actor.count + fields.count + prevHash.count + hash.count
        if used + needed > arena.count { grow(to: used + needed) }
        let row = count
        seqs[row] = seq
        timestamps[row] = timestamp
        let base = arena.baseAddress!
        var offset = used
        let column = ends + row * Self.columns
        offset = Self.copy(type, to: base, at: offset)
        column[0] = offset
        offset = Self.copy(actor, to: base, at: offset)
        column[1] = offset
        offset = Self.copy(fields, to: base, at: offset)
        column[2] = offset
        offset = Self.copy(prevHash, to: base, at: offset)
        column[3] = offset
        offset = Self.copy(hash, to: base, at: offset)
        column[4] = offset
        used = offset
        count += 1
    }

    private static func copy(_ bytes: UnsafeRawBufferPointer, to base: UnsafeMutableRawPointer, at offset: Int) -> Int {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return offset }
        (base + offset).copyMemory(from: source, byteCount: bytes.count)
        return offset + bytes.count
    }

    /// A single row can exceed the arena (a huge fields blob in a tampered database): grow, keeping the rows so far.
    private func grow(to minimum: Int) {
        let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: max(minimum, arena.count * 2), alignment: 16)
        if used > 0 { bigger.baseAddress!.copyMemory(from: arena.baseAddress!, byteCount: used) }
        arena.deallocate()
        arena = bigger
    }

    private func bytes(row: Int, column: Int) -> UnsafeRawBufferPointer {
        let index = row * Self.columns + column
        let start = index == 0 ? 0 : ends[index - 1]
        return UnsafeRawBufferPointer(start: arena.baseAddress! + start, count: ends[index] - start)
    }

    /// Row `row`, borrowing this batch's memory (valid until the batch is reset).
    func view(_ row: Int) -> ChainVerifier.RecordView {
        ChainVerifier.RecordView(
            seq: seqs[row], timestamp: timestamps[row], type: bytes(row: row, column: 0), actor: bytes(row: row, column: 1),
            fields: bytes(row: row, column: 2), prevHash: bytes(row: row, column: 3), storedHash: bytes(row: row, column: 4)
        )
    }

    /// Recomputes the record hash (at its stored seq) of the first `share` of the rows; the
    /// verifying thread hashes the rest, which balances the two threads' work.
    func computeHashes(with hasher: RecordHasher, share: Double) {
        hashedCount = min(count, Int((Double(count) * share).rounded(.up)))
        for row in 0..<hashedCount {
            let r = view(row)
            let digest = hasher.hash(seq: r.seq, timestamp: r.timestamp, type: r.type, actor: r.actor, fields: r.fields, prevHash: r.prevHash)
            recomputed[row] = digest
        }
    }

    /// The record hash the producer computed for `row`, or nil if the verifying thread must compute it.
    func recomputedHash(_ row: Int) -> Digest32? { row < hashedCount ? recomputed[row] : nil }
}
