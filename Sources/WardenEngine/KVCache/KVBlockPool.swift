/// The engine's key/value cache: a fixed number of blocks, each holding `blockSize` positions of every layer's keys
/// and values in fp16, allocated once when the engine starts.
///
/// Why blocks: a sequence takes memory as it grows, one block at a time, so many sequences of unknown final length
/// share a bounded budget (vLLM's paged attention); identical prompt prefixes share blocks.
///
/// A block is in exactly one of three states:
/// - **in use**: referenced by one or more running sequences (`referenceCount > 0`);
/// - **cached**: unreferenced but registered under a `PrefixBlockKey`, kept for a later prompt with the same prefix
///   and evicted least recently released first when a block is needed;
/// - **free**: unreferenced and unregistered.
/// Only full blocks are registered, and a sequence writes only into its own last block, which is never registered
/// until it is full, so a shared block is never written.
///
/// Not thread-safe: used only on the engine's compute thread.
final class KVBlockPool: @unchecked Sendable {
    /// Positions per block.
    let blockSize: Int
    /// Blocks in all.
    let blockCount: Int
    /// fp16 values per position and layer for keys (and again for values): `kvHeads * headDimension`.
    let rowWidth: Int
    /// Values from the start of one block to the next within a layer.
    var blockStride: Int { blockSize * rowWidth }
    private let keys: [UnsafeMutablePointer<UInt16>]
    private let values: [UnsafeMutablePointer<UInt16>]
    private var referenceCounts: [Int32]
    private var freeBlocks: [Int32]
    private var keyOfBlock: [PrefixBlockKey?]
    private var registry: [PrefixBlockKey: Int32] = [:]
    private var recency = BlockRecencyList(capacity: 0)

    /// Bytes of cache one position takes across all layers (keys and values).
    static func bytesPerPosition(_ hp: ModelHyperparameters) -> Int {
        2 * hp.layerCount * hp.kvHeadCount * hp.headDimension * MemoryLayout<UInt16>.stride
    }

    /// Allocates `blockCount` blocks of `blockSize` positions for a model with `hyperparameters`.
    init(hyperparameters hp: ModelHyperparameters, blockSize: Int, blockCount: Int) {
        self.blockSize = max(1, blockSize)
        self.blockCount = max(1, blockCount)
        rowWidth = hp.kvHeadCount * hp.headDimension
        let perLayer = self.blockCount * self.blockSize * rowWidth
        // Left uninitialised: pages only count against memory once written, and no row is read before it is written.
        keys = (0..<hp.layerCount).map { _ in .allocate(capacity: perLayer) }
        values = (0..<hp.layerCount).map { _ in .allocate(capacity: perLayer) }
        referenceCounts = Array(repeating: 0, count: self.blockCount)
        freeBlocks = (0..<Int32(self.blockCount)).reversed()
        keyOfBlock = Array(repeating: nil, count: self.blockCount)
        recency = BlockRecencyList(capacity: self.blockCount)
    }

    deinit {
        keys.forEach { $0.deallocate() }
        values.forEach { $0.deallocate() }
    }

    /// Blocks neither in use nor cached.
    var freeBlockCount: Int { freeBlocks.count }
    /// Unreferenced blocks kept for prefix reuse (evictable).
    var cachedBlockCount: Int { recency.count }
    /// Blocks a sequence can get now (free, or cached and evictable).
    var availableBlockCount: Int { freeBlocks.count + recency.count }
    /// Blocks referenced by running sequences.
    var usedBlockCount: Int { blockCount - availableBlockCount }
    /// Bytes the pool holds.
    var byteCount: Int { 2 * keys.count * blockCount * blockStride * MemoryLayout<UInt16>.stride }

    /// Takes a block for a sequence's own use (reference count 1): a free one, else the least recently released
    /// cached one, which is forgotten by the prefix registry. Nil when every block is in use.
    func allocate() -> Int32? {
        let block: Int32
        if let free = freeBlocks.popLast() {
            block = free
        } else if let evicted = recency.popOldest() {
            if let key = keyOfBlock[Int(evicted)] { registry[key] = nil }
            keyOfBlock[Int(evicted)] = nil
            block = evicted
        } else {
            return nil
        }
        referenceCounts[Int(block)] = 1
        return block
    }

    /// Adds a reference to `block` (a cached block found by `lookup` becomes in use again).
    func retain(_ block: Int32) {
        if referenceCounts[Int(block)] == 0 { recency.remove(block) }
        referenceCounts[Int(block)] += 1
    }

    /// Drops a reference; an unreferenced block is kept as cached when registered, else freed.
    func release(_ block: Int32) {
        let index = Int(block)
        precondition(referenceCounts[index] > 0, "KV block released more often than retained")
        referenceCounts[index] -= 1
        guard referenceCounts[index] == 0 else { return }
        if keyOfBlock[index] != nil { recency.append(block) } else { freeBlocks.append(block) }
    }

    func referenceCount(_ block: Int32) -> Int { Int(referenceCounts[Int(block)]) }

    /// Whether `block` is registered for prefix sharing (and so must never be written again).
    func isRegistered(_ block: Int32) -> Bool { keyOfBlock[Int(block)] != nil }

    /// The registered block holding exactly `key`'s tokens after `key`'s prefix, if any.
    func lookup(_ key: PrefixBlockKey) -> Int32? { registry[key] }

    /// Registers a full block under `key` so later prompts can share it. Returns false (and changes nothing) when
    /// another block already holds that prefix.
    @discardableResult
    func register(_ block: Int32, as key: PrefixBlockKey) -> Bool {
        guard registry[key] == nil, keyOfBlock[Int(block)] == nil else { return false }
        registry[key] = block
        keyOfBlock[Int(block)] = key
        return true
    }

    /// Forgets every cached block (in-use blocks keep their registration).
    func dropCachedBlocks() {
        while let block = recency.popOldest() {
            if let key = keyOfBlock[Int(block)] { registry[key] = nil }
            keyOfBlock[Int(block)] = nil
            freeBlocks.append(block)
        }
    }

    /// Layer `layer`'s keys of block 0 (block b starts `b * blockStride` values on).
    func keyBase(layer: Int) -> UnsafeMutablePointer<UInt16> { keys[layer] }
    func valueBase(layer: Int) -> UnsafeMutablePointer<UInt16> { values[layer] }
}
