/// The Llama 3 / Qwen2 pre-tokenizer, written as a scanner instead of a regex. The regex it implements is
///
///     (?i:'s|'t|'re|'ve|'m|'ll|'d) | [^\r\n\p{L}\p{N}]?\p{L}+ | \p{N}{1,K} | ?[^\s\p{L}\p{N}]+[\r\n]*
///     | \s*[\r\n]+ | \s+(?!\S) | \s+
///
/// with K = 3 for Llama 3 and K = 1 for Qwen2 (and DeepSeek-R1-Distill-Qwen). At each position the first alternative
/// that matches wins, as in a backtracking regex engine; the comments below say what each branch reduces to.
struct Llama3PreTokenizer: Sendable {
    /// The most digits one word may hold.
    let maxDigits: Int

    /// Splits `scalars` into words; returns their ranges, which cover the input without gaps.
    func split(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        let classes = scalars.map(CharacterClass.init)
        let end = scalars.count
        func value(_ position: Int) -> UInt32? { position < end ? scalars[position].value : nil }
        func isLetter(_ position: Int) -> Bool { position < end && classes[position].contains(.letter) }
        func isNumber(_ position: Int) -> Bool { position < end && classes[position].contains(.number) }
        func isWhitespace(_ position: Int) -> Bool { position < end && classes[position].contains(.whitespace) }
        func isOther(_ position: Int) -> Bool { position < end && classes[position].isOther }
        func isNewline(_ position: Int) -> Bool { value(position) == 0x0A || value(position) == 0x0D }
        func lowercasedASCII(_ position: Int) -> UInt32? {
            guard let v = value(position) else { return nil }
            return (0x41...0x5A).contains(v) ? v + 0x20 : v
        }

        var words: [Range<Int>] = []
        var position = 0
        while position < end {
            let start = position
            // 's 't 're 've 'm 'll 'd, case-insensitive.
            if value(position) == 0x27 {
                let first = lowercasedASCII(position + 1)
                if [0x73, 0x74, 0x6D, 0x64].contains(first) {  // s t m d
                    position += 2
                    words.append(start..<position)
                    continue
                }
                let pair = (first, lowercasedASCII(position + 2))
                if pair == (0x72, 0x65) || pair == (0x76, 0x65) || pair == (0x6C, 0x6C) {  // re ve ll
                    position += 3
                    words.append(start..<position)
                    continue
                }
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+ : letters, optionally led by one character that is not a newline or number.
            if isLetter(position) || (!isNewline(position) && !isNumber(position) && isLetter(position + 1)) {
                position += 1
                while isLetter(position) { position += 1 }
                words.append(start..<position)
                continue
            }
            // \p{N}{1,K}
            if isNumber(position) {
                while isNumber(position) && position - start < maxDigits { position += 1 }
                words.append(start..<position)
                continue
            }
            // " ?[^\s\p{L}\p{N}]+[\r\n]*" : an optional space, a run of other characters, trailing newlines.
            let otherStart = value(position) == 0x20 ? position + 1 : position
            if isOther(otherStart) {
                position = otherStart
                while isOther(position) { position += 1 }
                while isNewline(position) { position += 1 }
                words.append(start..<position)
                continue
            }
            // Whitespace: \s*[\r\n]+ ends after the run's last newline; \s+(?!\S) leaves the run's last character
            // for the next word when a non-space follows; \s+ takes the run.
            var runEnd = position
            var afterLastNewline: Int?
            while isWhitespace(runEnd) {
                if isNewline(runEnd) { afterLastNewline = runEnd + 1 }
                runEnd += 1
            }
            if let afterLastNewline {
                position = afterLastNewline
            } else if runEnd - position > 1 && runEnd < end {
                position = runEnd - 1
            } else if runEnd > position {
                position = runEnd
            } else {
                position += 1  // unreachable: every character is a letter, number, whitespace or other
            }
            words.append(start..<position)
        }
        return words
    }
}
