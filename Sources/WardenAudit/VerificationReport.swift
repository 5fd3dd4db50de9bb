/// What an auditor learns from verifying a chain: counts, the signed root, and the first problem.
public struct VerificationReport: Sendable, Hashable {
    public var logID: String
    /// Records checked, and the first and last seq among them.
    public var recordCount: UInt64 = 0
    public var firstSeq: UInt64?
    public var lastSeq: UInt64?
    /// Distinct checkpoints whose signature and root were verified (database, export and witness together).
    public var checkpointCount = 0
    /// Of those, how many came from the witness file.
    public var witnessCheckpointCount = 0
    /// Tree size and root of the newest verified checkpoint.
    public var signedTreeSize: UInt64?
    public var signedRoot: [UInt8]?
    /// Tree size and root of everything read (may extend past the newest checkpoint).
    public var treeSize: UInt64 = 0
    public var root: [UInt8] = MerkleTree.emptyRoot
    /// Nil when the chain verified.
    public var problem: VerificationProblem?
    /// Facts that do not make the chain invalid (unsigned tail, torn witness line, skipped checkpoints).
    public var notes: [String] = []

    public var isValid: Bool { problem == nil }

    /// One line for the CLI: `OK: N records, M checkpoints, root …` or `FAILED at seq S (kind): …`.
    public var summary: String {
        if let problem {
            let at = problem.seq.map { "at seq \($0) " } ?? ""
            return "FAILED \(at)(\(problem.kind.rawValue)): \(problem.message)"
        }
        let rootText = Hex.encode(signedRoot ?? root)
        let size = signedTreeSize.map { " (signed tree size \($0))" } ?? " (no signed checkpoint)"
        return "OK: \(recordCount) records, \(checkpointCount) checkpoints, root \(rootText)\(size)"
    }

    public var rootHex: String { Hex.encode(root) }
}

/// The first thing found wrong, with the sequence number it concerns.
public struct VerificationProblem: Sendable, Hashable {
    /// Stable names of what went wrong.
    public struct Kind: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// A record's content does not match its hash.
        public static let modified = Kind(rawValue: "modified")
        /// A record is missing (a gap, or the records after it were renumbered to close it).
        public static let deleted = Kind(rawValue: "deleted")
        /// A record was added that the original chain did not have.
        public static let inserted = Kind(rawValue: "inserted")
        /// Records are out of order (moved, swapped, or timestamps going backwards).
        public static let reordered = Kind(rawValue: "reordered")
        /// The log ends before a checkpoint (in the database, export or witness) that covers more records.
        public static let truncated = Kind(rawValue: "truncated")
        /// A checkpoint's signature is invalid, or two signed checkpoints disagree.
        public static let forgedCheckpoint = Kind(rawValue: "forged-checkpoint")
        /// Records do not match the root of a validly signed checkpoint: history was rewritten.
        public static let rewritten = Kind(rawValue: "rewritten")
        /// The checkpoints were signed by a different key than the one given.
        public static let wrongKey = Kind(rawValue: "wrong-key")
        /// The data belongs to another log id.
        public static let wrongLog = Kind(rawValue: "wrong-log")
        /// The input cannot be read as a Warden audit log or export.
        public static let malformed = Kind(rawValue: "malformed")
    }

    public let kind: Kind
    /// The first bad sequence number, when one can be named.
    public let seq: UInt64?
    public let message: String

    public init(kind: Kind, seq: UInt64?, message: String) {
        self.kind = kind
        self.seq = seq
        self.message = message
    }
}
