/// Cuts special tokens out of input text before the tokenizer proper sees it, exactly as llama.cpp's
/// `tokenizer_st_partition` does: special tokens are taken longest first, and each one splits every remaining text
/// fragment at all of its occurrences, left to right.
///
/// Control and unknown tokens are only cut out when special parsing is on; user-defined tokens always are.
/// To stay fast with vocabularies holding thousands of special tokens (Gemma has about 6,400), a trie first finds which
/// special texts occur anywhere in the input; only those are then applied, in llama.cpp's order, which gives the same
/// result because a fragment is always a substring of the input.
struct SpecialTokenPartitioner: Sendable {
    /// A piece of the input: a byte range of ordinary text, or a special token.
    enum Fragment: Equatable {
        case text(Range<Int>)
        case token(Int32)
    }

    private struct Node: Sendable {
        var children: [UInt8: Int32] = [:]
        var tokenID: Int32 = -1
    }

    private var nodes: [Node] = [Node()]
    /// Position of each special token in llama.cpp's longest-first order.
    private var orderByID: [Int32: Int] = [:]
    private var orderedIDs: [Int32] = []
    private var texts: [Int32: [UInt8]] = [:]
    private var needsParseSpecial: Set<Int32> = []

    init(vocabulary: Vocabulary) {
        for (order, id) in vocabulary.specialIDsLongestFirst.enumerated() {
            let text = vocabulary.tokens[Int(id)]
            orderByID[id] = order
            orderedIDs.append(id)
            texts[id] = text
            if !vocabulary.attributes[Int(id)].isDisjoint(with: [.control, .unknown]) { needsParseSpecial.insert(id) }
            insert(text, id: id)
        }
    }

    private mutating func insert(_ text: [UInt8], id: Int32) {
        var node = 0
        for byte in text {
            if let next = nodes[node].children[byte] {
                node = Int(next)
            } else {
                nodes.append(Node())
                nodes[node].children[byte] = Int32(nodes.count - 1)
                node = nodes.count - 1
            }
        }
        if nodes[node].tokenID < 0 { nodes[node].tokenID = id }
    }

    /// The special tokens whose text occurs somewhere in `bytes`, in llama.cpp's processing order.
    private func occurringSpecials(in bytes: [UInt8], parseSpecial: Bool) -> [Int32] {
        var found = Set<Int32>()
        for start in bytes.indices {
            var node = 0
            var position = start
            while position < bytes.count, let next = nodes[node].children[bytes[position]] {
                node = Int(next)
                position += 1
                let id = nodes[node].tokenID
                if id >= 0 && (parseSpecial || !needsParseSpecial.contains(id)) { found.insert(id) }
            }
        }
        return found.sorted { orderByID[$0]! < orderByID[$1]! }
    }

    /// Splits `bytes` into text fragments and special tokens.
    /// - Parameter protectedRanges: byte ranges (sorted, disjoint) in which control and unknown tokens are never
    ///   matched even when `parseSpecial` is on: the user-written content of a chat prompt.
    func partition(_ bytes: [UInt8], parseSpecial: Bool, protectedRanges: [Range<Int>] = []) -> [Fragment] {
        guard !bytes.isEmpty else { return [] }
        var fragments: [Fragment] = [.text(0..<bytes.count)]
        for id in occurringSpecials(in: bytes, parseSpecial: parseSpecial) {
            guard let pattern = texts[id], !pattern.isEmpty else { continue }
            let respectsProtection = needsParseSpecial.contains(id) && !protectedRanges.isEmpty
            var next: [Fragment] = []
            next.reserveCapacity(fragments.count + 2)
            for fragment in fragments {
                guard case .text(var remaining) = fragment else {
                    next.append(fragment)
                    continue
                }
                var searchFrom = remaining.lowerBound
                while let match = Self.firstOccurrence(of: pattern, in: bytes, within: searchFrom..<remaining.upperBound) {
                    if respectsProtection && protectedRanges.contains(where: { $0.overlaps(match..<(match + pattern.count)) }) {
                        searchFrom = match + 1
                        continue
                    }
                    if match > remaining.lowerBound { next.append(.text(remaining.lowerBound..<match)) }
                    next.append(.token(id))
                    remaining = (match + pattern.count)..<remaining.upperBound
                    searchFrom = remaining.lowerBound
                }
                if !remaining.isEmpty { next.append(.text(remaining)) }
            }
            fragments = next
        }
        return fragments
    }

    private static func firstOccurrence(of pattern: [UInt8], in bytes: [UInt8], within range: Range<Int>) -> Int? {
        guard pattern.count <= range.count else { return nil }
        let first = pattern[0]
        var start = range.lowerBound
        let lastStart = range.upperBound - pattern.count
        while start <= lastStart {
            if bytes[start] == first {
                var matched = true
                for offset in 1..<pattern.count where bytes[start + offset] != pattern[offset] {
                    matched = false
                    break
                }
                if matched { return start }
            }
            start += 1
        }
        return nil
    }
}
