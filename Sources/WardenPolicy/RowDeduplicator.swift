/// Remembers the rows of one policy type so that exact duplicates are skipped, as Casbin does. Rows are
/// kept flat and found through a small open-addressing table keyed by a multiplicative hash of the ids,
/// because a general `Dictionary` (seeded SipHash per key) dominated the load time of large policies.
struct RowDeduplicator {
    private let width: Int
    private var rows: [Int32] = []
    private var count = 0
    /// Row number + 1 per slot; 0 marks an empty slot. The capacity is a power of two.
    private var slots: [Int32] = Array(repeating: 0, count: 1024)

    init(width: Int) { self.width = max(width, 1) }

    /// Adds `ids` and returns true, or returns false when an identical row was added before.
    mutating func insert(_ ids: [Int32]) -> Bool {
        if (count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash(ids)) & mask
        while slots[slot] != 0 {
            if matches(Int(slots[slot]) - 1, ids) { return false }
            slot = (slot + 1) & mask
        }
        rows.append(contentsOf: ids)
        count += 1
        slots[slot] = Int32(count)
        return true
    }

    private func hash(_ ids: [Int32]) -> UInt64 {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325
        for id in ids { value = (value ^ UInt64(UInt32(bitPattern: id))) &* 0x100_0000_01B3 }
        return mix(value)
    }

    /// MurmurHash3's finaliser: spreads every input bit over the low bits the table uses.
    private func mix(_ input: UInt64) -> UInt64 {
        var value = input
        value ^= value >> 33
        value &*= 0xFF51_AFD7_ED55_8CCD
        value ^= value >> 33
        value &*= 0xC4CE_B9FE_1A85_EC53
        return value ^ (value >> 33)
    }

    private func hash(row: Int) -> UInt64 {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325
        for offset in 0..<width { value = (value ^ UInt64(UInt32(bitPattern: rows[row * width + offset]))) &* 0x100_0000_01B3 }
        return mix(value)
    }

    private mutating func grow() {
        var bigger = [Int32](repeating: 0, count: slots.count * 2)
        let mask = bigger.count - 1
        for row in 0..<count {
            var slot = Int(truncatingIfNeeded: hash(row: row)) & mask
            while bigger[slot] != 0 { slot = (slot + 1) & mask }
            bigger[slot] = Int32(row + 1)
        }
        slots = bigger
    }

    private func matches(_ row: Int, _ ids: [Int32]) -> Bool {
        guard ids.count == width else { return false }
        let start = row * width
        for offset in 0..<width where rows[start + offset] != ids[offset] { return false }
        return true
    }
}
