/// Reads a witness file (AUDIT-FORMAT.md §5.2) for the verifier a window at a time, so memory does
/// not grow with the file: it holds one line and a small chunk of parsed checkpoints.
///
/// Opening checks every line first (a malformed line is an error naming its line number, before
/// any record is read, as when the file was read whole) and remembers how many complete lines there
/// were; the stream then reads only those, so lines a live writer appends meanwhile are not mixed in.
///
/// The witness is appended in non-decreasing tree size. A line whose tree size is smaller than the
/// one before cannot come from the writer: it is reported as a problem (`malformed`) when the
/// stream reaches it, rather than sorted, which would need the whole file in memory.
final class WitnessStream {
    /// Checkpoints read ahead, each with its signature result when `checkAhead` computed it.
    private var chunk: [(checkpoint: AuditCheckpoint, signatureValid: Bool?, line: Int)] = []
    private var chunkIndex = 0
    private let reader: LineReader
    private let completeLines: Int
    private let publicKey: AuditPublicKey
    private let checkAhead: Bool
    private var previousSize: UInt64 = 0
    /// True when the last line had no newline: a write torn by a crash, ignored.
    let hadTornTail: Bool

    /// Checkpoints read ahead per chunk: enough to split their signature checks over two threads.
    static let chunkSize = 64

    /// `checkAhead`: check each chunk's signatures on two threads as it is read (worth it when the
    /// witness is the only copy of most checkpoints, as for exports; for a database the witness
    /// repeats the stored checkpoints, which the verifier then skips without a signature check).
    init(path: String, publicKey: AuditPublicKey, checkAhead: Bool) throws(AuditError) {
        let scan = try Self.scan(path: path)
        completeLines = scan.completeLines
        hadTornTail = scan.hadTornTail
        reader = try Self.open(path: path)
        self.publicKey = publicKey
        self.checkAhead = checkAhead
    }

    /// Tree size of the next checkpoint `feed` would add (`.max` after the last one).
    private(set) var nextSize: UInt64 = 0

    /// Adds to the verifier, in file order, every witness checkpoint whose tree size is at most `horizon`.
    func feed(upTo horizon: UInt64, into verifier: inout ChainVerifier) throws(AuditError) {
        while !verifier.failed {
            if chunkIndex == chunk.count {
                try readChunk()
                if chunk.isEmpty {
                    nextSize = .max
                    return
                }
            }
            let next = chunk[chunkIndex]
            nextSize = next.checkpoint.treeSize
            guard next.checkpoint.treeSize <= horizon else { return }
            chunkIndex += 1
            guard next.checkpoint.treeSize >= previousSize else {
                return verifier.fail(.malformed, nil,
                    "witness line \(next.line) has tree size \(next.checkpoint.treeSize) after tree size \(previousSize): an append-only witness only grows, so lines were moved or inserted")
            }
            previousSize = next.checkpoint.treeSize
            verifier.add(checkpoint: next.checkpoint, fromWitness: true, signatureValid: next.signatureValid)
        }
    }

    private func readChunk() throws(AuditError) {
        chunk.removeAll(keepingCapacity: true)
        chunkIndex = 0
        while chunk.count < Self.chunkSize, reader.lineNumber < completeLines, let line = try reader.nextBorrowed() {
            let checkpoint: AuditCheckpoint
            do throws(AuditError) {
                checkpoint = try JSONLine.parseCheckpoint(try JSONLine.object(line))
            } catch {
                // Only if the file changed since it was scanned (lines are never rewritten by the writer).
                throw AuditError(.witness, "witness line \(reader.lineNumber) is malformed: \(error.reason)")
            }
            chunk.append((checkpoint, nil, reader.lineNumber))
        }
        guard checkAhead else { return }
        let signatures = CheckpointSignatures(checking: chunk.map(\.checkpoint), publicKey: publicKey)
        for i in chunk.indices { chunk[i].signatureValid = signatures.isValid(chunk[i].checkpoint) }
    }

    private static func open(path: String) throws(AuditError) -> LineReader {
        do throws(AuditError) {
            return try LineReader(path: path, maxLineBytes: JSONLine.maxLineBytes)
        } catch {
            let reason = error.code == .notFound ? "witness file not found: \(path)" : "cannot read witness file \(path): \(error.reason)"
            throw AuditError(.witness, reason)
        }
    }

    /// Parses every line once (bounded memory), for errors up front and the count of complete lines.
    private static func scan(path: String) throws(AuditError) -> (completeLines: Int, hadTornTail: Bool) {
        let reader = try open(path: path)
        var complete = 0
        do throws(AuditError) {
            while let line = try reader.nextBorrowed() {
                if reader.lastLineUnterminated { return (complete, true) }
                do throws(AuditError) {
                    _ = try JSONLine.parseCheckpoint(try JSONLine.object(line))
                } catch {
                    throw AuditError(.witness, "witness line \(reader.lineNumber) is malformed: \(error.reason)")
                }
                complete += 1
            }
        } catch {
            guard error.code == .witness else { throw AuditError(.witness, "cannot read witness file \(path): \(error.reason)") }
            throw error
        }
        return (complete, false)
    }
}
