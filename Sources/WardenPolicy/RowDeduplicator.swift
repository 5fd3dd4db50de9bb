/// Remembers the rows of one policy type so that exact duplicates are skipped, as Casbin does, without
/// keeping an array object per row (which would double load time and memory on million-rule policies).
struct RowDeduplicator {
    private let width: Int
    private var rows: [Int32] = []
    /// Hash of a row → index of the first row with that hash; rarer collisions go to `collisions`.
    private var firstByHash: [Int: Int32] = [:]
    private var collisions: [Int: [Int32]] = [:]

    init(width: Int) { self.width = width }

    /// Adds `ids` and returns true, or returns false when an identical row was added before.
    mutating func insert(_ ids: [Int32]) -> Bool {
        var hasher = Hasher()
        for id in ids { hasher.combine(id) }
        let key = hasher.finalize()
        guard let first = firstByHash[key] else {
            firstByHash[key] = append(ids)
            return true
        }
        if matches(first, ids) { return false }
        for other in collisions[key] ?? [] where matches(other, ids) { return false }
        collisions[key, default: []].append(append(ids))
        return true
    }

    private mutating func append(_ ids: [Int32]) -> Int32 {
        let index = Int32(rows.count / max(width, 1))
        rows.append(contentsOf: ids)
        return index
    }

    private func matches(_ row: Int32, _ ids: [Int32]) -> Bool {
        let start = Int(row) * width
        for offset in 0..<width where rows[start + offset] != ids[offset] { return false }
        return true
    }
}
