/// SentencePiece-style BPE as llama.cpp's `llm_tokenizer_spm` runs it: start from single UTF-8 characters, repeatedly
/// join the adjacent pair whose concatenation is the highest-scoring vocabulary token (ties: leftmost first), and
/// emit each final piece as its token or, failing that, as `<0xNN>` byte tokens.
struct SentencePieceEncoder {
    private struct Bigram {
        var left: Int
        var right: Int
        var score: Float
        var size: Int
    }

    let vocabulary: Vocabulary

    /// Encodes `text` (spaces already escaped as U+2581) and appends the ids to `output`.
    func encode(_ text: [UInt8], into output: inout [Int32]) {
        guard !text.isEmpty else { return }
        // Symbols: contiguous byte ranges of `text`, linked in a list; a merged-away symbol has length 0.
        var starts: [Int] = []
        var lengths: [Int] = []
        var offset = 0
        while offset < text.count {
            let length = min(Self.utf8Length(leadByte: text[offset]), text.count - offset)
            starts.append(offset)
            lengths.append(length)
            offset += length
        }
        let symbolCount = starts.count
        var previous = (0..<symbolCount).map { $0 - 1 }
        var next = (0..<symbolCount).map { $0 + 1 == symbolCount ? -1 : $0 + 1 }

        var queue = BinaryHeap<Bigram> { a, b in a.score > b.score || (a.score == b.score && a.left < b.left) }
        func tryAddBigram(_ left: Int, _ right: Int) {
            guard left >= 0, right >= 0 else { return }
            let size = lengths[left] + lengths[right]
            let start = starts[left]
            guard let id = vocabulary.id(forBytes: Array(text[start..<(start + size)])) else { return }
            queue.push(Bigram(left: left, right: right, score: vocabulary.scores[Int(id)], size: size))
        }
        for index in 1..<max(1, symbolCount) { tryAddBigram(index - 1, index) }

        while let bigram = queue.pop() {
            let left = bigram.left
            let right = bigram.right
            guard lengths[left] > 0, lengths[right] > 0, lengths[left] + lengths[right] == bigram.size else { continue }
            lengths[left] += lengths[right]
            lengths[right] = 0
            next[left] = next[right]
            if next[right] >= 0 { previous[next[right]] = left }
            tryAddBigram(previous[left], left)
            tryAddBigram(left, next[left])
        }

        var index = 0
        while index != -1 {
            let piece = Array(text[starts[index]..<(starts[index] + lengths[index])])
            if let id = vocabulary.id(forBytes: piece) {
                output.append(id)
            } else {
                for byte in piece {
                    if let id = vocabulary.byteFallbackID(byte) { output.append(id) }
                }
            }
            index = next[index]
        }
    }

    /// The length of the UTF-8 sequence a byte starts (continuation and invalid bytes count as 1), as llama.cpp reads it.
    static func utf8Length(leadByte: UInt8) -> Int {
        switch leadByte >> 4 {
        case 0xC, 0xD: 2
        case 0xE: 3
        case 0xF: 4
        default: 1
        }
    }
}
