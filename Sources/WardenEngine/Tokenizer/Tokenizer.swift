/// Turns text into token ids and back, for one model, exactly as llama.cpp does for the same GGUF file.
///
/// ```swift
/// let tokenizer = try Tokenizer(gguf: file)
/// let ids = tokenizer.encode("Hello", addSpecialTokens: true)          // [bos, ...] per the model's metadata
/// let prompt = tokenizer.encode(chatPrompt, parseSpecial: true)         // "<start_of_turn>" becomes one token
/// var stream = tokenizer.makeStreamingDecoder()
/// for id in generated { print(stream.append(id), terminator: "") }      // complete UTF-8 only
/// ```
///
/// Immutable and `Sendable`: build one per model and share it.
public struct Tokenizer: Sendable {
    let vocabulary: Vocabulary
    private let partitioner: SpecialTokenPartitioner

    /// Builds the tokenizer described by a GGUF file's metadata.
    public init(gguf file: GGUFFile) throws(TokenizerError) {
        try self.init(metadata: file.metadata)
    }

    /// Builds the tokenizer described by GGUF metadata.
    public init(metadata: GGUFMetadata) throws(TokenizerError) {
        vocabulary = try Vocabulary(metadata: metadata)
        partitioner = SpecialTokenPartitioner(vocabulary: vocabulary)
    }

    // MARK: Vocabulary facts

    /// The algorithm and pre-tokenizer in use.
    public var kind: TokenizerKind { vocabulary.kind }
    /// The number of tokens; valid ids are `0..<vocabularySize`.
    public var vocabularySize: Int { vocabulary.count }
    /// The beginning-of-sequence token, if the model has one.
    public var bosTokenID: Int32? { vocabulary.bosID }
    /// The end-of-sequence token, if the model has one.
    public var eosTokenID: Int32? { vocabulary.eosID }
    /// The unknown token, if the model has one.
    public var unknownTokenID: Int32? { vocabulary.unknownID }
    /// The padding token, if the model has one.
    public var paddingTokenID: Int32? { vocabulary.paddingID }
    /// Whether `encode(_:addSpecialTokens: true)` starts with BOS (`tokenizer.ggml.add_bos_token`).
    public var addsBOS: Bool { vocabulary.addBOS }
    /// Whether `encode(_:addSpecialTokens: true)` ends with EOS (`tokenizer.ggml.add_eos_token`).
    public var addsEOS: Bool { vocabulary.addEOS }
    /// Every token that ends generation (EOS, end-of-turn such as `<end_of_turn>` or `<|im_end|>`, end-of-message).
    public var endOfGenerationTokenIDs: Set<Int32> { vocabulary.endOfGenerationIDs }

    /// Whether generating `id` should stop generation.
    public func isEndOfGeneration(_ id: Int32) -> Bool { vocabulary.endOfGenerationIDs.contains(id) }

    /// The id of the token whose vocabulary text is exactly `text` (e.g. `"<end_of_turn>"`), if any.
    public func tokenID(forText text: String) -> Int32? { vocabulary.id(forBytes: Array(text.utf8)) }

    /// The raw vocabulary text of a token (with `▁` or byte-level characters as stored), or nil for an invalid id.
    public func tokenText(_ id: Int32) -> String? {
        guard vocabulary.isValid(id) else { return nil }
        return String(decoding: vocabulary.tokens[Int(id)], as: UTF8.self)
    }

    /// The attributes of a token (control, byte, ...), or nil for an invalid id.
    public func attributes(of id: Int32) -> TokenAttributes? {
        vocabulary.isValid(id) ? vocabulary.attributes[Int(id)] : nil
    }

    // MARK: Encoding

    /// Tokenizes `text`.
    /// - Parameters:
    ///   - addSpecialTokens: add BOS/EOS as the model's metadata asks (llama.cpp's `add_special`).
    ///   - parseSpecial: match the texts of control tokens (`<start_of_turn>`, `<|im_start|>`, ...) as single tokens.
    ///     Leave it off for untrusted user text so that a user cannot forge turn markers; turn it on for a prompt
    ///     rendered by `ChatTemplate`, whose markers must become control tokens.
    public func encode(_ text: String, addSpecialTokens: Bool = true, parseSpecial: Bool = false) -> [Int32] {
        encode(utf8: Array(text.utf8), addSpecialTokens: addSpecialTokens, parseSpecial: parseSpecial)
    }

    /// Tokenizes UTF-8 bytes (which must be valid UTF-8), matching control tokens only outside `protectedRanges`.
    func encode(
        utf8 bytes: [UInt8], addSpecialTokens: Bool, parseSpecial: Bool, protectedRanges: [Range<Int>] = []
    ) -> [Int32] {
        var output: [Int32] = []
        if addSpecialTokens && vocabulary.addBOS, let bos = vocabulary.bosID { output.append(bos) }
        let fragments = partitioner.partition(bytes, parseSpecial: parseSpecial, protectedRanges: protectedRanges)
        switch vocabulary.kind {
        case .sentencePiece:
            let encoder = SentencePieceEncoder(vocabulary: vocabulary)
            var previousWasSpecial = true
            for fragment in fragments {
                switch fragment {
                case .token(let id):
                    output.append(id)
                    previousWasSpecial = true
                case .text(let range):
                    var piece: [UInt8] = vocabulary.addSpacePrefix && previousWasSpecial ? [0x20] : []
                    piece.append(contentsOf: bytes[range])
                    encoder.encode(Self.escapingSpaces(piece), into: &output)
                    previousWasSpecial = false
                }
            }
        case .bytePairEncoding(let preTokenizer):
            let encoder = BytePairEncoder(vocabulary: vocabulary)
            for fragment in fragments {
                switch fragment {
                case .token(let id):
                    output.append(id)
                case .text(let range):
                    let scalars = Array(String(decoding: bytes[range], as: UTF8.self).unicodeScalars)
                    for word in Self.split(scalars, with: preTokenizer) {
                        var utf8: [UInt8] = []
                        for scalar in scalars[word] { UTF8.encode(scalar) { utf8.append($0) } }
                        encoder.encode(word: ByteLevelMapping.encode(utf8), into: &output)
                    }
                }
            }
        }
        if addSpecialTokens && vocabulary.addEOS, let eos = vocabulary.eosID { output.append(eos) }
        return output
    }

    static func split(_ scalars: [Unicode.Scalar], with preTokenizer: PreTokenizer) -> [Range<Int>] {
        switch preTokenizer {
        case .llama3: Llama3PreTokenizer(maxDigits: 3).split(scalars)
        case .qwen2: Llama3PreTokenizer(maxDigits: 1).split(scalars)
        case .deepseekLLM: DeepSeekLLMPreTokenizer().split(scalars)
        }
    }

    /// SentencePiece writes spaces as U+2581 (`▁`, UTF-8 E2 96 81).
    private static func escapingSpaces(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte == 0x20 { out.append(contentsOf: [0xE2, 0x96, 0x81]) } else { out.append(byte) }
        }
        return out
    }
}
