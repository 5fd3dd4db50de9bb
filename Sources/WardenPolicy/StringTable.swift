/// Interns every distinct string of a policy (rule values, role names, domains) to a dense integer id, so
/// rules are stored as integers, indexes are keyed by integers and equal strings are compared once.
struct StringTable: Sendable {
    private(set) var strings: [String] = []
    private var ids: [String: Int32] = [:]

    /// Makes room for `capacity` strings, so loading a large policy does not rehash repeatedly.
    mutating func reserve(_ capacity: Int) {
        strings.reserveCapacity(capacity)
        ids.reserveCapacity(capacity)
    }

    /// The id of `text`, adding it when new.
    mutating func intern(_ text: String) -> Int32 {
        if let id = ids[text] { return id }
        let id = Int32(strings.count)
        strings.append(text)
        ids[text] = id
        return id
    }

    /// The id of `text` when the policy mentions it, otherwise `nil` (a request value nobody wrote a rule for).
    @inline(__always) func id(of text: String) -> Int32? { ids[text] }

    @inline(__always) subscript(id: Int32) -> String { strings[Int(id)] }

    var count: Int { strings.count }
}
