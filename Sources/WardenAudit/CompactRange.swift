/// The right edge of a Merkle tree: the roots of the perfect subtrees that cover leaves 0..<size,
/// largest first. O(log n) memory, which is what keeps the writer and the verifier flat in the size
/// of the log, and what lets an export or an archived database start in the middle of a chain.
public struct CompactRange: Hashable, Sendable {
    /// Perfect-subtree roots held inline (at most 64, one per bit of `size`), so that appending a
    /// leaf on the verifier's and writer's hot paths never allocates.
    private var nodes: [Digest32]
    public private(set) var size: UInt64

    /// Perfect-subtree roots, leftmost (largest) first; their sizes are the set bits of `size`.
    public var hashes: [[UInt8]] { nodes.map(\.bytes) }

    public init() {
        nodes = []
        nodes.reserveCapacity(64)
        size = 0
    }

    /// Rebuilds a range from stored subtree hashes; nil if the count does not match `size`'s bits.
    public init?(size: UInt64, hashes: [[UInt8]]) {
        guard size.nonzeroBitCount == hashes.count else { return nil }
        var nodes = [Digest32]()
        nodes.reserveCapacity(64)
        for hash in hashes {
            guard let node = Digest32(bytes: hash) else { return nil }
            nodes.append(node)
        }
        self.size = size
        self.nodes = nodes
    }

    /// Adds a record hash as the next leaf.
    public mutating func append(recordHash: [UInt8]) {
        append(leafHash: MerkleTree.leafHash(recordHash))
    }

    mutating func append(leafHash: [UInt8]) {
        guard let leaf = Digest32(bytes: leafHash) else { preconditionFailure("a leaf hash has 32 bytes") }
        append(leaf: leaf)
    }

    /// Adds the next leaf (already `SHA-256(0x00 || record hash)`).
    mutating func append(leaf: Digest32) {
        var node = leaf
        var index = size
        // Each trailing one bit of the old size is a perfect subtree the new leaf completes.
        while index & 1 == 1 {
            node = Digest32.nodeHash(nodes.removeLast(), node)
            index >>= 1
        }
        nodes.append(node)
        size += 1
    }

    /// RFC 9162 MTH of leaves 0..<size.
    public func root() -> [UInt8] {
        guard !nodes.isEmpty else { return MerkleTree.emptyRoot }
        return rootDigest().bytes
    }

    /// The root inline; for the empty tree, SHA-256 of no bytes.
    func rootDigest() -> Digest32 {
        guard var acc = nodes.last else { return Digest32(bytes: MerkleTree.emptyRoot)! }
        for h in nodes.dropLast().reversed() { acc = Digest32.nodeHash(h, acc) }
        return acc
    }
}
