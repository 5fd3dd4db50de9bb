/// Byte-level BPE as llama.cpp's `llm_tokenizer_bpe_session` runs it on one pre-tokenized word: start from the
/// word's characters (after the GPT-2 byte mapping), repeatedly join the adjacent pair with the lowest merge rank
/// (ties: leftmost first), then emit each piece's token, or the single-byte tokens of its bytes when it has none.
struct BytePairEncoder {
    private struct Bigram {
        var left: Int
        var right: Int
        var leftLength: Int
        var rightLength: Int
        var rank: Int
    }

    let vocabulary: Vocabulary

    /// Encodes one word, given as its byte-mapped UTF-8, and appends the ids to `output`.
    func encode(word: [UInt8], into output: inout [Int32]) {
        guard !word.isEmpty else { return }
        if vocabulary.ignoreMerges, let id = vocabulary.id(forBytes: word) {
            output.append(id)
            return
        }
        var starts: [Int] = []
        var lengths: [Int] = []
        var offset = 0
        while offset < word.count {
            let length = min(SentencePieceEncoder.utf8Length(leadByte: word[offset]), word.count - offset)
            starts.append(offset)
            lengths.append(length)
            offset += length
        }
        let symbolCount = starts.count
        var previous = (0..<symbolCount).map { $0 - 1 }
        var next = (0..<symbolCount).map { $0 + 1 == symbolCount ? -1 : $0 + 1 }

        var queue = BinaryHeap<Bigram> { a, b in a.rank < b.rank || (a.rank == b.rank && a.left < b.left) }
        func addBigram(_ left: Int, _ right: Int) {
            guard left >= 0, right >= 0 else { return }
            let pair = Vocabulary.MergePair(
                left: ByteString(word[starts[left]..<(starts[left] + lengths[left])]),
                right: ByteString(word[starts[right]..<(starts[right] + lengths[right])]))
            guard let rank = vocabulary.mergeRanks[pair] else { return }
            queue.push(
                Bigram(left: left, right: right, leftLength: lengths[left], rightLength: lengths[right], rank: rank))
        }
        for index in 1..<max(1, symbolCount) { addBigram(index - 1, index) }

        while let bigram = queue.pop() {
            let left = bigram.left
            let right = bigram.right
            // Skip bigrams made stale by an earlier merge on either side.
            guard lengths[left] > 0, lengths[right] > 0, lengths[left] == bigram.leftLength,
                lengths[right] == bigram.rightLength, next[left] == right
            else { continue }
            lengths[left] += lengths[right]
            lengths[right] = 0
            next[left] = next[right]
            if next[right] >= 0 { previous[next[right]] = left }
            addBigram(previous[left], left)
            addBigram(left, next[left])
        }

        var index = 0
        while index != -1 {
            let piece = Array(word[starts[index]..<(starts[index] + lengths[index])])
            if let id = vocabulary.id(forBytes: piece) {
                output.append(id)
            } else {
                for byte in piece {
                    if let id = vocabulary.id(forBytes: [byte]) { output.append(id) }
                }
            }
            index = next[index]
        }
    }
}
