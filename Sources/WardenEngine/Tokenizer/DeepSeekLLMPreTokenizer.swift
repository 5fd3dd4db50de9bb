/// The DeepSeek-LLM pre-tokenizer: six patterns applied one after another, each splitting every piece the previous
/// ones left into its matches and the text between them (llama.cpp's `deepseek-llm` list, from the model's
/// tokenizer.json):
///
/// 1. `[\r\n]` — each newline alone;
/// 2. `\s?[letters]+` — runs of letters from the Latin, Greek, Cyrillic, Armenian, Georgian, Cherokee, Glagolitic,
///    Coptic, Deseret, Osage, Old Hungarian, Warang Citi, Adlam and fullwidth Latin blocks listed in `letterRanges`,
///    with one optional leading whitespace;
/// 3. `\s?[!-/:-~！-／：-～‘-‟　-。]+` — runs of ASCII and fullwidth punctuation and quotes;
/// 4. `\s+$` — whitespace at the end of a piece;
/// 5. `[一-龥ࠀ-一가-퟿]+` — runs of CJK and other characters from U+0800 to U+9FA5, and Hangul U+AC00 to U+D7FF;
/// 6. `\p{N}+` — runs of digits.
///
/// llama.cpp's regex engine sees every non-ASCII whitespace as a vertical tab, so whitespace never matches the
/// character sets here (U+3000 counts as whitespace, not punctuation), which the code below mirrors.
struct DeepSeekLLMPreTokenizer: Sendable {
    /// The letter ranges of pattern 2, as written in the model's tokenizer.json.
    static let letterRanges: [ClosedRange<UInt32>] = [
        0x0041...0x005A, 0x0061...0x007A, 0x00B5...0x00B5, 0x00C0...0x00D6, 0x00D8...0x00F6, 0x00F8...0x01BA,
        0x01BC...0x01BF, 0x01C4...0x0293, 0x0295...0x02AF, 0x0370...0x0373, 0x0376...0x0376, 0x0377...0x0377,
        0x037B...0x037D, 0x037F...0x037F, 0x0386...0x0386, 0x0388...0x038A, 0x038C...0x038C, 0x038E...0x03A1,
        0x03A3...0x03F5, 0x03F7...0x0481, 0x048A...0x052F, 0x0531...0x0556, 0x10A0...0x10C5, 0x13A0...0x13F5,
        0x13F8...0x13FD, 0x1C90...0x1CBA, 0x1CBD...0x1CBF, 0x1D00...0x1D2B, 0x1D6B...0x1D77, 0x1D79...0x1D9A,
        0x1E00...0x1F15, 0x1F18...0x1F1D, 0x1F20...0x1F45, 0x1F48...0x1F4D, 0x1F50...0x1F57, 0x1F59...0x1F59,
        0x1F5B...0x1F5B, 0x1F5D...0x1F5D, 0x1F5F...0x1F7D, 0x1F80...0x1FB4, 0x1FB6...0x1FBC, 0x1FBE...0x1FBE,
        0x1FC2...0x1FC4, 0x1FC6...0x1FCC, 0x1FD0...0x1FD3, 0x1FD6...0x1FDB, 0x1FE0...0x1FEC, 0x1FF2...0x1FF4,
        0x1FF6...0x1FFC, 0x2102...0x2102, 0x2107...0x2107, 0x210A...0x2113, 0x2115...0x2115, 0x2119...0x211D,
        0x2124...0x2124, 0x2126...0x2126, 0x2128...0x2128, 0x212A...0x212D, 0x212F...0x2134, 0x2139...0x2139,
        0x213C...0x213F, 0x2145...0x2149, 0x214E...0x214E, 0x2183...0x2183, 0x2184...0x2184, 0x2C00...0x2C7B,
        0x2C7E...0x2CE4, 0x2CEB...0x2CEE, 0x2CF2...0x2CF2, 0x2CF3...0x2CF3, 0xA640...0xA66D, 0xA680...0xA69B,
        0xA722...0xA76F, 0xA771...0xA787, 0xA78B...0xA78E, 0xAB70...0xABBF, 0xFB00...0xFB06, 0xFB13...0xFB17,
        0xFF21...0xFF3A, 0xFF41...0xFF5A, 0x10400...0x1044F, 0x104B0...0x104D3, 0x104D8...0x104FB, 0x10C80...0x10CB2,
        0x10CC0...0x10CF2, 0x118A0...0x118DF, 0x1E900...0x1E943,
    ]

    static let punctuationRanges: [ClosedRange<UInt32>] = [
        0x0021...0x002F, 0x003A...0x007E, 0xFF01...0xFF0F, 0xFF1A...0xFF5E, 0x2018...0x201F, 0x3000...0x3002,
    ]

    static let cjkRanges: [ClosedRange<UInt32>] = [0x4E00...0x9FA5, 0x0800...0x4E00, 0xAC00...0xD7FF]

    private static func inRanges(_ ranges: [ClosedRange<UInt32>], _ scalar: Unicode.Scalar) -> Bool {
        ranges.contains { $0.contains(scalar.value) }
    }

    /// Splits `scalars` into words; returns their ranges, which cover the input without gaps.
    func split(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        guard !scalars.isEmpty else { return [] }
        let classes = scalars.map(CharacterClass.init)
        let isSpace = { (i: Int) in classes[i].contains(.whitespace) }
        // Membership in a set, never for whitespace (see the type's note).
        func member(_ ranges: [ClosedRange<UInt32>]) -> (Int) -> Bool {
            { i in !isSpace(i) && Self.inRanges(ranges, scalars[i]) }
        }
        let isNewline = { (i: Int) in scalars[i].value == 0x0A || scalars[i].value == 0x0D }
        let isLetter = member(Self.letterRanges)
        let isPunctuation = member(Self.punctuationRanges)
        let isCJK = member(Self.cjkRanges)
        let isNumber = { (i: Int) in classes[i].contains(.number) }

        var pieces: [Range<Int>] = [0..<scalars.count]
        pieces = Self.splitEach(pieces) { i, _ in isNewline(i) ? 1 : 0 }
        pieces = Self.splitEach(pieces) { i, end in Self.optionalSpaceThenRun(i, end, isSpace, isLetter) }
        pieces = Self.splitEach(pieces) { i, end in Self.optionalSpaceThenRun(i, end, isSpace, isPunctuation) }
        // `\s+$`: whitespaceRunEnd[i] is where the whitespace run containing i ends, so the test is O(1).
        var whitespaceRunEnd = [Int](repeating: scalars.count, count: scalars.count + 1)
        for i in stride(from: scalars.count - 1, through: 0, by: -1) {
            whitespaceRunEnd[i] = isSpace(i) ? whitespaceRunEnd[i + 1] : i
        }
        pieces = Self.splitEach(pieces) { i, end in
            isSpace(i) && whitespaceRunEnd[i] >= end ? end - i : 0
        }
        pieces = Self.splitEach(pieces) { i, end in Self.run(i, end, isCJK) }
        pieces = Self.splitEach(pieces) { i, end in Self.run(i, end, isNumber) }
        return pieces
    }

    /// The length of a run of `member` characters starting at `i` (0 if none).
    private static func run(_ i: Int, _ end: Int, _ member: (Int) -> Bool) -> Int {
        var j = i
        while j < end && member(j) { j += 1 }
        return j - i
    }

    /// `\s?X+`: one optional whitespace, then a run of X.
    private static func optionalSpaceThenRun(
        _ i: Int, _ end: Int, _ isSpace: (Int) -> Bool, _ member: (Int) -> Bool
    ) -> Int {
        if isSpace(i) && i + 1 < end && member(i + 1) { return 1 + run(i + 1, end, member) }
        return run(i, end, member)
    }

    /// Splits each piece into the leftmost non-overlapping matches of a pattern and the gaps between them, as a
    /// regex iterator does. `matchLength(i, end)` is the length of the match starting at `i` within a piece ending at
    /// `end`, or 0 when none starts there.
    private static func splitEach(_ pieces: [Range<Int>], matchLength: (Int, Int) -> Int) -> [Range<Int>] {
        var result: [Range<Int>] = []
        result.reserveCapacity(pieces.count)
        for piece in pieces {
            var gapStart = piece.lowerBound
            var i = piece.lowerBound
            while i < piece.upperBound {
                let length = matchLength(i, piece.upperBound)
                guard length > 0 else {
                    i += 1
                    continue
                }
                if i > gapStart { result.append(gapStart..<i) }
                result.append(i..<(i + length))
                i += length
                gapStart = i
            }
            if gapStart < piece.upperBound { result.append(gapStart..<piece.upperBound) }
        }
        return result
    }
}
