import Testing
@testable import WardenEngine

@Suite("KV block pool")
struct KVBlockPoolTests {
    static func pool(blocks: Int) throws -> KVBlockPool {
        let model = try BatchTestSupport.model()
        return KVBlockPool(hyperparameters: model.hyperparameters, blockSize: 4, blockCount: blocks)
    }

    static func key(_ tokens: [Int32], after parent: PrefixDigest = .root) -> PrefixBlockKey {
        PrefixBlockKey(parent: parent, tokens: tokens)
    }

    @Test("blocks are handed out until none is left, and come back when released")
    func allocateUntilEmptyAndRelease() throws {
        let pool = try Self.pool(blocks: 3)
        let taken = (0..<3).compactMap { _ in pool.allocate() }
        #expect(Set(taken).count == 3 && pool.allocate() == nil)
        #expect(pool.usedBlockCount == 3 && pool.availableBlockCount == 0)
        taken.forEach(pool.release)
        #expect(pool.freeBlockCount == 3 && pool.usedBlockCount == 0)
    }

    @Test("a shared block stays in use until its last reference is released, then stays cached for its prefix")
    func sharedBlocksAreCachedAfterLastRelease() throws {
        let pool = try Self.pool(blocks: 2)
        let block = try #require(pool.allocate())
        #expect(pool.register(block, as: Self.key([1, 2, 3, 4])))
        pool.retain(block)
        pool.release(block)
        #expect(pool.referenceCount(block) == 1 && pool.usedBlockCount == 1)
        pool.release(block)
        #expect(pool.cachedBlockCount == 1 && pool.usedBlockCount == 0)
        #expect(pool.lookup(Self.key([1, 2, 3, 4])) == block)
        #expect(pool.lookup(Self.key([1, 2, 3, 5])) == nil)
        #expect(pool.lookup(Self.key([1, 2, 3, 4], after: Self.key([9, 9, 9, 9]).digest)) == nil)
        pool.retain(block)  // reuse by a later prompt
        #expect(pool.cachedBlockCount == 0 && pool.referenceCount(block) == 1)
    }

    @Test("cached blocks are evicted least recently released first, and forgotten by the prefix registry")
    func evictionIsLeastRecentlyReleasedFirst() throws {
        let pool = try Self.pool(blocks: 3)
        let a = try #require(pool.allocate()), b = try #require(pool.allocate()), c = try #require(pool.allocate())
        pool.register(a, as: Self.key([1, 1, 1, 1]))
        pool.register(b, as: Self.key([2, 2, 2, 2]))
        pool.register(c, as: Self.key([3, 3, 3, 3]))
        pool.release(b)
        pool.release(a)
        pool.release(c)
        #expect(pool.allocate() == b)
        #expect(pool.lookup(Self.key([2, 2, 2, 2])) == nil && pool.lookup(Self.key([1, 1, 1, 1])) == a)
        #expect(pool.allocate() == a && pool.allocate() == c && pool.allocate() == nil)
    }

    @Test("a prefix already registered keeps its first block; the duplicate is freed, not cached")
    func duplicateRegistrationIsRefused() throws {
        let pool = try Self.pool(blocks: 2)
        let first = try #require(pool.allocate()), second = try #require(pool.allocate())
        #expect(pool.register(first, as: Self.key([5, 6, 7, 8])))
        #expect(!pool.register(second, as: Self.key([5, 6, 7, 8])))
        pool.release(second)
        #expect(pool.freeBlockCount == 1 && pool.lookup(Self.key([5, 6, 7, 8])) == first)
    }

    @Test("chain digests differ for different prefixes and agree for equal ones")
    func digestsFollowTheWholePrefix() {
        let one = Self.key([1, 2, 3, 4]).digest
        #expect(one == Self.key([1, 2, 3, 4]).digest)
        #expect(one != Self.key([1, 2, 3, 5]).digest)
        #expect(Self.key([7, 7], after: one).digest != Self.key([7, 7]).digest)
    }
}
