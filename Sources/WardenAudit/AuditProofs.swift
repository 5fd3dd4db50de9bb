import Foundation
import GRDB

/// An RFC 9162 inclusion proof of one record in a signed checkpoint, checkable with the public key alone.
public struct AuditInclusionProof: Sendable, Hashable {
    public let record: AuditRecord
    public let checkpoint: AuditCheckpoint
    public let path: [[UInt8]]
}

/// An RFC 9162 consistency proof between two signed checkpoints of the same log.
public struct AuditConsistencyProof: Sendable, Hashable {
    public let old: AuditCheckpoint
    public let new: AuditCheckpoint
    public let path: [[UInt8]]
}

/// Builds proofs from a log database or a complete export.
public enum AuditProver {
    /// Proves record `seq` is in the checkpoint of tree size `treeSize` (default: the smallest checkpoint covering it).
    public static func inclusionProof(source: AuditProofSource, seq: UInt64, treeSize: UInt64? = nil) throws(AuditError) -> AuditInclusionProof {
        let leaves = try source.open()
        guard seq >= 1, let record = try leaves.record(seq: seq) else { throw AuditError(.notFound, "record \(seq) is not in the log") }
        let candidates = leaves.checkpoints.filter { treeSize == nil ? $0.treeSize >= seq : $0.treeSize == treeSize }
        guard let checkpoint = candidates.min(by: { $0.treeSize < $1.treeSize }), checkpoint.treeSize >= seq else {
            throw AuditError(.notFound, treeSize.map { "no checkpoint of tree size \($0) covering record \(seq)" }
                ?? "no checkpoint covers record \(seq) yet (wait for the next checkpoint)")
        }
        let path = try MerkleTree.inclusionProofRanges(index: seq - 1, size: checkpoint.treeSize).map { r throws(AuditError) in
            try leaves.subtreeHash(r)
        }
        return AuditInclusionProof(record: record, checkpoint: checkpoint, path: path)
    }

    /// Proves the checkpoint of tree size `from` is a prefix of the checkpoint of tree size `to`.
    public static func consistencyProof(source: AuditProofSource, from: UInt64, to: UInt64) throws(AuditError) -> AuditConsistencyProof {
        let leaves = try source.open()
        guard from >= 1, from <= to else { throw AuditError(.notFound, "--from must be between 1 and --to") }
        guard let old = leaves.checkpoints.first(where: { $0.treeSize == from }) else {
            throw AuditError(.notFound, "no checkpoint of tree size \(from); use a tree size from the checkpoint list")
        }
        guard let new = leaves.checkpoints.first(where: { $0.treeSize == to }) else {
            throw AuditError(.notFound, "no checkpoint of tree size \(to); use a tree size from the checkpoint list")
        }
        let path = try MerkleTree.consistencyProofRanges(oldSize: from, newSize: to).map { r throws(AuditError) in
            try leaves.subtreeHash(r)
        }
        return AuditConsistencyProof(old: old, new: new, path: path)
    }
}

/// Where proofs read leaves from.
public enum AuditProofSource: Sendable {
    case database(path: String)
    /// A JSONL export that starts at seq 1 (its record hashes are loaded into memory, 32 bytes each).
    case export(path: String)

    func open() throws(AuditError) -> any LeafStore {
        switch self {
        case .database(let path): try DatabaseLeafStore(path: path)
        case .export(let path): try ExportLeafStore(path: path)
        }
    }
}

protocol LeafStore {
    var checkpoints: [AuditCheckpoint] { get }
    func record(seq: UInt64) throws(AuditError) -> AuditRecord?
    /// MTH of leaves `range` (0-based leaf indexes, i.e. seq - 1).
    func subtreeHash(_ range: Range<UInt64>) throws(AuditError) -> [UInt8]
}

final class DatabaseLeafStore: LeafStore {
    let queue: DatabaseQueue
    let checkpoints: [AuditCheckpoint]

    init(path: String) throws(AuditError) {
        queue = try AuditStore.openReadOnly(path: path)
        checkpoints = try queue.readOrThrow { db throws(AuditError) in
            _ = try AuditStore.readLogID(db)
            do {
                return try Row.fetchAll(db, sql: "SELECT * FROM audit_checkpoints ORDER BY tree_size").map(AuditStore.checkpoint(from:))
            } catch {
                throw AuditError(.storage, "cannot read checkpoints: \(AuditStore.sqliteReason(error))")
            }
        }
    }

    func record(seq: UInt64) throws(AuditError) -> AuditRecord? {
        try queue.readOrThrow { db throws(AuditError) in
            do {
                return try Row.fetchOne(db, sql: "SELECT * FROM audit_records WHERE seq = ?", arguments: [Int64(seq)]).map(AuditRecordRow.decode)
            } catch let error as AuditError {
                throw error
            } catch {
                throw AuditError(.storage, "cannot read record \(seq): \(AuditStore.sqliteReason(error))")
            }
        }
    }

    func subtreeHash(_ range: Range<UInt64>) throws(AuditError) -> [UInt8] {
        try queue.readOrThrow { db throws(AuditError) in
            var compact = CompactRange()
            do {
                let cursor = try Data.fetchCursor(db, sql: "SELECT hash FROM audit_records WHERE seq > ? AND seq <= ? ORDER BY seq",
                                                  arguments: [Int64(range.lowerBound), Int64(range.upperBound)])
                while let hash = try cursor.next() { compact.append(recordHash: [UInt8](hash)) }
            } catch {
                throw AuditError(.storage, "cannot read records: \(AuditStore.sqliteReason(error))")
            }
            guard compact.size == UInt64(range.count) else {
                throw AuditError(.notFound, "records \(range.lowerBound + 1)...\(range.upperBound) are not all in the database (archived?)")
            }
            return compact.root()
        }
    }
}

final class ExportLeafStore: LeafStore {
    private(set) var checkpoints: [AuditCheckpoint] = []
    private var hashes: [[UInt8]] = []
    private let path: String

    init(path: String) throws(AuditError) {
        self.path = path
        let reader = try LineReader(path: path, maxLineBytes: JSONLine.maxLineBytes)
        let header = try AuditExportHeader.parse(try reader.next(), path: path)
        guard header.firstSeq == 1 else { throw AuditError(.malformedInput, "proofs need an export that starts at seq 1") }
        while let line = try reader.next() {
            if line.isEmpty { continue }
            do throws(AuditError) {
                let o = try JSONLine.object(line)
                switch try JSONLine.string(o, "kind") {
                case "record": hashes.append(try JSONLine.hex(o, "hash", count: 32))
                case "checkpoint": checkpoints.append(try JSONLine.parseCheckpoint(o))
                default: throw AuditError(.malformedInput, "unknown \"kind\"")
                }
            } catch {
                throw AuditError(.malformedInput, "line \(reader.lineNumber) of \(path): \(error.reason)")
            }
        }
    }

    func record(seq: UInt64) throws(AuditError) -> AuditRecord? {
        guard seq >= 1, seq <= UInt64(hashes.count) else { return nil }
        let reader = try LineReader(path: path, maxLineBytes: JSONLine.maxLineBytes)
        while let line = try reader.next() {
            guard let o = try? JSONLine.object(line), (try? JSONLine.string(o, "kind")) == "record",
                  (try? JSONLine.unsigned(o, "seq")) == seq else { continue }
            return try JSONLine.parseRecord(o)
        }
        return nil
    }

    func subtreeHash(_ range: Range<UInt64>) throws(AuditError) -> [UInt8] {
        guard range.upperBound <= UInt64(hashes.count) else { throw AuditError(.notFound, "the export ends before seq \(range.upperBound)") }
        var compact = CompactRange()
        for i in range { compact.append(recordHash: hashes[Int(i)]) }
        return compact.root()
    }
}
