/// The right edge of a Merkle tree: the roots of the perfect subtrees that cover leaves 0..<size,
/// largest first. O(log n) memory, which is what keeps the writer and the verifier flat in the size
/// of the log, and what lets an export or an archived database start in the middle of a chain.
public struct CompactRange: Hashable, Sendable {
    /// Perfect-subtree roots, leftmost (largest) first; their sizes are the set bits of `size`.
    public private(set) var hashes: [[UInt8]]
    public private(set) var size: UInt64

    public init() {
        hashes = []
        size = 0
    }

    /// Rebuilds a range from stored subtree hashes; nil if the count does not match `size`'s bits.
    public init?(size: UInt64, hashes: [[UInt8]]) {
        guard size.nonzeroBitCount == hashes.count, hashes.allSatisfy({ $0.count == 32 }) else { return nil }
        self.size = size
        self.hashes = hashes
    }

    /// Adds a record hash as the next leaf.
    public mutating func append(recordHash: [UInt8]) {
        append(leafHash: MerkleTree.leafHash(recordHash))
    }

    mutating func append(leafHash: [UInt8]) {
        var node = leafHash
        var index = size
        // Each trailing one bit of the old size is a perfect subtree the new leaf completes.
        while index & 1 == 1 {
            node = MerkleTree.nodeHash(hashes.removeLast(), node)
            index >>= 1
        }
        hashes.append(node)
        size += 1
    }

    /// RFC 9162 MTH of leaves 0..<size.
    public func root() -> [UInt8] {
        guard var acc = hashes.last else { return MerkleTree.emptyRoot }
        for h in hashes.dropLast().reversed() { acc = MerkleTree.nodeHash(h, acc) }
        return acc
    }
}
