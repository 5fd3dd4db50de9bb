import Crypto
import Testing
@testable import WardenAudit

/// RFC 9162 Merkle hashing against the Certificate Transparency reference vectors, and proofs
/// against a naive recursive implementation of the RFC's definitions.
@Suite struct MerkleTreeTests {
    /// The 8 leaves of the CT reference test (certificate-transparency / trillian merkle tests).
    static let referenceLeaves: [[UInt8]] = [
        [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
        Array(0x50...0x57), Array(0x60...0x6f),
    ]
    /// Roots for sizes 1...8 from those references (re-derived with a separate Python hashlib script).
    static let referenceRoots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    @Test func rootsMatchTheCertificateTransparencyReferenceVectors() {
        for size in 1...8 {
            let leaves = Self.referenceLeaves.prefix(size).map { MerkleTree.leafHash($0) }
            #expect(Hex.encode(MerkleTree.root(ofLeafHashes: Array(leaves))) == Self.referenceRoots[size - 1], "size \(size)")
        }
        #expect(Hex.encode(MerkleTree.emptyRoot) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    /// MTH exactly as RFC 9162 §2.1.1 writes it.
    static func naiveRoot(_ leaves: ArraySlice<[UInt8]>) -> [UInt8] {
        if leaves.isEmpty { return Array(SHA256.hash(data: [UInt8]())) }
        if leaves.count == 1 { return MerkleTree.leafHash(leaves.first!) }
        var k = 1
        while k * 2 < leaves.count { k *= 2 }
        let mid = leaves.startIndex + k
        return MerkleTree.nodeHash(naiveRoot(leaves[..<mid]), naiveRoot(leaves[mid...]))
    }

    static func leaves(_ n: Int) -> [[UInt8]] { (0..<n).map { Array(SHA256.hash(data: [UInt8(truncatingIfNeeded: $0), 7])) } }

    @Test func compactRangeRootEqualsTheRecursiveDefinitionForEverySizeUpTo70() {
        let all = Self.leaves(70)
        var range = CompactRange()
        for n in 1...70 {
            range.append(recordHash: all[n - 1])
            #expect(range.root() == Self.naiveRoot(all[0..<n]), "size \(n)")
            #expect(range.hashes.count == n.nonzeroBitCount)
        }
    }

    @Test func everyInclusionProofVerifiesAndAnyAlteredProofFails() {
        let all = Self.leaves(33)
        for size in 1...33 {
            let root = Self.naiveRoot(all[0..<size])
            for index in 0..<size {
                let path = MerkleTree.inclusionProofRanges(index: UInt64(index), size: UInt64(size)).map {
                    Self.naiveRoot(all[Int($0.lowerBound)..<Int($0.upperBound)])
                }
                let leaf = MerkleTree.leafHash(all[index])
                #expect(MerkleTree.verifyInclusion(leafHash: leaf, index: UInt64(index), size: UInt64(size), path: path, root: root))
                if size > 1 {
                    #expect(!MerkleTree.verifyInclusion(leafHash: leaf, index: UInt64(index), size: UInt64(size), path: path, root: leaf))
                }
                if !path.isEmpty {
                    var bad = path
                    bad[bad.count / 2][0] ^= 1
                    #expect(!MerkleTree.verifyInclusion(leafHash: leaf, index: UInt64(index), size: UInt64(size), path: bad, root: root))
                    #expect(!MerkleTree.verifyInclusion(leafHash: leaf, index: UInt64(index), size: UInt64(size), path: path.dropLast(), root: root))
                }
                if size > 1 {
                    let other = (index + 1) % size
                    #expect(!MerkleTree.verifyInclusion(leafHash: leaf, index: UInt64(other), size: UInt64(size), path: path, root: root))
                }
            }
        }
    }

    @Test func everyConsistencyProofVerifiesAndAnyAlteredProofFails() {
        let all = Self.leaves(33)
        for newSize in 1...33 {
            let newRoot = Self.naiveRoot(all[0..<newSize])
            for oldSize in 1...newSize {
                let oldRoot = Self.naiveRoot(all[0..<oldSize])
                let proof = MerkleTree.consistencyProofRanges(oldSize: UInt64(oldSize), newSize: UInt64(newSize)).map {
                    Self.naiveRoot(all[Int($0.lowerBound)..<Int($0.upperBound)])
                }
                #expect(MerkleTree.verifyConsistency(oldSize: UInt64(oldSize), oldRoot: oldRoot, newSize: UInt64(newSize), newRoot: newRoot, proof: proof),
                        "\(oldSize) -> \(newSize)")
                if oldSize < newSize {
                    var bad = proof
                    bad[0][5] ^= 0x80
                    #expect(!MerkleTree.verifyConsistency(oldSize: UInt64(oldSize), oldRoot: oldRoot, newSize: UInt64(newSize), newRoot: newRoot, proof: bad))
                    let wrongOld = Self.naiveRoot(all[1..<(oldSize + 1)])
                    #expect(!MerkleTree.verifyConsistency(oldSize: UInt64(oldSize), oldRoot: wrongOld, newSize: UInt64(newSize), newRoot: newRoot, proof: proof))
                }
            }
        }
    }
}
