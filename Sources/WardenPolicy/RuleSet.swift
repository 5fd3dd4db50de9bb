/// The rules of one policy type (`p`, `p2`...) in evaluation order, stored as interned string ids.
struct RuleSet: Sendable {
    let key: String
    let fieldCount: Int
    /// `fieldCount` ids per rule, rule after rule.
    private(set) var values: [Int32] = []
    /// Source line of each rule, for explanations.
    private(set) var lines: [Int32] = []
    let file: String

    init(key: String, fieldCount: Int, file: String) {
        self.key = key
        self.fieldCount = fieldCount
        self.file = file
    }

    var count: Int { fieldCount == 0 ? lines.count : values.count / fieldCount }

    mutating func append(_ ids: [Int32], line: Int) {
        values.append(contentsOf: ids)
        lines.append(Int32(clamping: line))
    }

    @inline(__always) func value(rule: Int, field: Int) -> Int32 { values[rule &* fieldCount &+ field] }

    func rule(_ index: Int) -> ArraySlice<Int32> { values[(index * fieldCount)..<((index + 1) * fieldCount)] }

    /// Reorders the rules (priority sorting); `order[i]` is the old index of the new i-th rule.
    mutating func reorder(_ order: [Int]) {
        var newValues: [Int32] = []
        newValues.reserveCapacity(values.count)
        var newLines: [Int32] = []
        newLines.reserveCapacity(lines.count)
        for old in order {
            newValues.append(contentsOf: rule(old))
            newLines.append(lines[old])
        }
        values = newValues
        lines = newLines
    }
}
