/// The rules of one policy type grouped by the value of one field, stored as two flat arrays (a counting
/// sort by value id): `offsets[id]..<offsets[id + 1]` are the positions in `rules` of the rules whose field
/// holds string `id`, in ascending rule order. Building it is O(rules); a million-rule policy needs no
/// per-value arrays or hash tables.
struct FieldIndex: Sendable {
    private let offsets: [Int32]
    private let rules: [Int32]

    init(_ ruleSet: RuleSet, field: Int, valueCount: Int) {
        var counts = [Int32](repeating: 0, count: valueCount + 1)
        for rule in 0..<ruleSet.count { counts[Int(ruleSet.value(rule: rule, field: field)) + 1] += 1 }
        for id in 0..<valueCount { counts[id + 1] += counts[id] }
        var next = counts
        var rules = [Int32](repeating: 0, count: ruleSet.count)
        for rule in 0..<ruleSet.count {
            let id = Int(ruleSet.value(rule: rule, field: field))
            rules[Int(next[id])] = Int32(rule)
            next[id] += 1
        }
        self.offsets = counts
        self.rules = rules
    }

    /// The rules whose field holds string `id`, ascending.
    @inline(__always) func bucket(_ id: Int32) -> ArraySlice<Int32> {
        let index = Int(id)
        guard index >= 0, index + 1 < offsets.count else { return [] }
        return rules[Int(offsets[index])..<Int(offsets[index + 1])]
    }
}
