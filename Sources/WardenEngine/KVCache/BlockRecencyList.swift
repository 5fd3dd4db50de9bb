/// Cached (unreferenced, registered) blocks in the order they were released, oldest first, with O(1) removal of
/// any block, so the pool evicts the least recently used prefix first.
struct BlockRecencyList {
    private var previous: [Int32]
    private var next: [Int32]
    private var member: [Bool]
    private var head: Int32 = -1
    private var tail: Int32 = -1
    private(set) var count = 0

    init(capacity: Int) {
        previous = Array(repeating: -1, count: capacity)
        next = Array(repeating: -1, count: capacity)
        member = Array(repeating: false, count: capacity)
    }

    func contains(_ block: Int32) -> Bool { member[Int(block)] }

    mutating func append(_ block: Int32) {
        let b = Int(block)
        guard !member[b] else { return }
        member[b] = true
        previous[b] = tail
        next[b] = -1
        if tail >= 0 { next[Int(tail)] = block } else { head = block }
        tail = block
        count += 1
    }

    mutating func remove(_ block: Int32) {
        let b = Int(block)
        guard member[b] else { return }
        member[b] = false
        let p = previous[b], n = next[b]
        if p >= 0 { next[Int(p)] = n } else { head = n }
        if n >= 0 { previous[Int(n)] = p } else { tail = p }
        count -= 1
    }

    mutating func popOldest() -> Int32? {
        guard head >= 0 else { return nil }
        let block = head
        remove(block)
        return block
    }
}
