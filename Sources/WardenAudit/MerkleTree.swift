import Crypto

/// RFC 9162 §2.1 Merkle tree hashing, proofs and proof verification.
///
/// The leaves are record hashes: leaf hash = SHA-256(0x00 || record hash), interior node =
/// SHA-256(0x01 || left || right), empty tree = SHA-256 of no bytes.
public enum MerkleTree {
    public static func leafHash(_ data: some Sequence<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(data: Array(data))
        return Array(hasher.finalize())
    }

    public static func nodeHash(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        var buffer = [UInt8]()
        buffer.reserveCapacity(65)
        buffer.append(0x01)
        buffer.append(contentsOf: left)
        buffer.append(contentsOf: right)
        return Array(SHA256.hash(data: buffer))
    }

    public static let emptyRoot: [UInt8] = Array(SHA256.hash(data: [UInt8]()))

    /// Largest power of two strictly smaller than `n` (n >= 2).
    static func split(_ n: UInt64) -> UInt64 {
        var k: UInt64 = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// The leaf ranges whose subtree hashes make up the inclusion proof of leaf `index` in a tree
    /// of `size` leaves, in proof order (nearest the leaf first).
    public static func inclusionProofRanges(index: UInt64, size: UInt64) -> [Range<UInt64>] {
        precondition(index < size)
        var ranges = [Range<UInt64>]()
        func path(_ m: UInt64, _ lo: UInt64, _ hi: UInt64) {
            let n = hi - lo
            guard n > 1 else { return }
            let k = split(n)
            if m < k {
                path(m, lo, lo + k)
                ranges.append((lo + k)..<hi)
            } else {
                path(m - k, lo + k, hi)
                ranges.append(lo..<(lo + k))
            }
        }
        path(index, 0, size)
        return ranges
    }

    /// The leaf ranges whose subtree hashes make up the consistency proof from `oldSize` to `newSize`.
    public static func consistencyProofRanges(oldSize: UInt64, newSize: UInt64) -> [Range<UInt64>] {
        precondition(oldSize <= newSize)
        guard oldSize > 0, oldSize < newSize else { return [] }
        var ranges = [Range<UInt64>]()
        func subproof(_ m: UInt64, _ lo: UInt64, _ hi: UInt64, _ complete: Bool) {
            let n = hi - lo
            if m == n {
                if !complete { ranges.append(lo..<hi) }
                return
            }
            let k = split(n)
            if m <= k {
                subproof(m, lo, lo + k, complete)
                ranges.append((lo + k)..<hi)
            } else {
                subproof(m - k, lo + k, hi, false)
                ranges.append(lo..<(lo + k))
            }
        }
        subproof(oldSize, 0, newSize, true)
        return ranges
    }

    /// RFC 9162 §2.1.3.2: does `path` prove that `leafHash` is leaf `index` of the tree with `root`?
    public static func verifyInclusion(
        leafHash: [UInt8], index: UInt64, size: UInt64, path: [[UInt8]], root: [UInt8]
    ) -> Bool {
        guard index < size else { return false }
        var fn = index
        var sn = size - 1
        var r = leafHash
        for p in path {
            guard p.count == 32, sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// RFC 9162 §2.1.4.2: does `proof` show the tree (`oldSize`, `oldRoot`) is a prefix of (`newSize`, `newRoot`)?
    public static func verifyConsistency(
        oldSize: UInt64, oldRoot: [UInt8], newSize: UInt64, newRoot: [UInt8], proof: [[UInt8]]
    ) -> Bool {
        guard oldSize <= newSize else { return false }
        if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
        if oldSize == 0 { return proof.isEmpty }
        guard !proof.isEmpty, proof.allSatisfy({ $0.count == 32 }) else { return false }
        var path = proof
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return fr == oldRoot && sr == newRoot && sn == 0
    }

    /// Root of a tree made of the given leaf hashes (already prefixed with 0x00).
    public static func root(ofLeafHashes leaves: [[UInt8]]) -> [UInt8] {
        var range = CompactRange()
        for leaf in leaves { range.append(leafHash: leaf) }
        return range.root()
    }
}
