/// Reading the vocabulary from GGUF metadata, following llama.cpp's `llama_vocab::load` so that token ids match.
///
/// Keys read: `tokenizer.ggml.model` (`llama` or `gpt2`), `tokenizer.ggml.pre`, `tokenizer.ggml.tokens`,
/// `tokenizer.ggml.scores`, `tokenizer.ggml.token_type`, `tokenizer.ggml.merges`, the `*_token_id` keys,
/// `tokenizer.ggml.add_bos_token`, `add_eos_token` and `add_space_prefix`.
extension Vocabulary {
    /// Token texts that end generation whatever their declared type (llama.cpp's end-of-generation name list, for
    /// the families Warden serves and a few close relatives).
    static let endOfGenerationTexts: Set<ByteString> = Set([
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>",
        "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<｜end▁of▁sentence｜>",
    ].map(ByteString.init))

    /// Largest vocabulary accepted: ids are `Int32`.
    static let maxTokenCount = Int(Int32.max)

    init(metadata: GGUFMetadata) throws(TokenizerError) {
        do {
            self = try Vocabulary(checkedMetadata: metadata)
        } catch let error as TokenizerError {
            throw error
        } catch let error as GGUFError {
            throw TokenizerError(error)
        } catch {
            throw TokenizerError(.invalidMetadata, "unexpected error")
        }
    }

    private init(checkedMetadata metadata: GGUFMetadata) throws {
        let modelName = try metadata.string("tokenizer.ggml.model")
        let preName = try metadata.string("tokenizer.ggml.pre")
        var bos: Int32?
        var eos: Int32?
        var unknown: Int32?
        switch modelName {
        case "llama":
            kind = .sentencePiece
            (bos, eos, unknown) = (1, 2, 0)
            addBOS = true
            addSpacePrefix = true
            cleanSpaces = false
            ignoreMerges = false
        case "gpt2":
            guard let preName, let pre = PreTokenizer(ggufName: preName) else {
                throw TokenizerError(
                    .unsupportedPreTokenizer,
                    "pre-tokenizer '\(preName ?? "(none)")' is not supported (supported: llama3, llama-bpe, qwen2, "
                        + "deepseek-r1-qwen, deepseek-llm)", key: "tokenizer.ggml.pre")
            }
            kind = .bytePairEncoding(pre)
            (bos, eos, unknown) = (11, 11, nil)
            addBOS = pre == .llama3
            addSpacePrefix = false
            cleanSpaces = pre == .llama3
            ignoreMerges = pre == .llama3
        case let other:
            throw TokenizerError(
                .unsupportedModel, "tokenizer model '\(other ?? "(none)")' is not supported (supported: llama, gpt2)",
                key: "tokenizer.ggml.model")
        }
        addEOS = false
        addSpacePrefix = try metadata.bool("tokenizer.ggml.add_space_prefix") ?? addSpacePrefix

        guard let texts = try metadata.stringArray("tokenizer.ggml.tokens"), !texts.isEmpty else {
            throw TokenizerError(.invalidVocabulary, "the vocabulary is missing or empty", key: "tokenizer.ggml.tokens")
        }
        guard texts.count <= Self.maxTokenCount else {
            throw TokenizerError(.invalidVocabulary, "the vocabulary is too large", key: "tokenizer.ggml.tokens")
        }
        let count = texts.count
        scores = try Self.scores(metadata, count: count)
        attributes = try Self.attributes(metadata, count: count)
        tokens = []
        tokens.reserveCapacity(count)
        idsByText = Dictionary(minimumCapacity: count)
        for (index, text) in texts.enumerated() {
            let bytes = text.isEmpty ? Array("[EMPTY_\(index)]".utf8) : Array(text.utf8)
            guard idsByText.updateValue(Int32(index), forKey: ByteString(bytes)) == nil else {
                throw TokenizerError(
                    .invalidVocabulary, "token \(index) duplicates an earlier token", key: "tokenizer.ggml.tokens")
            }
            tokens.append(bytes)
        }
        mergeRanks = [:]
        if case .bytePairEncoding = kind {
            mergeRanks = try Self.mergeRanks(metadata)
        }

        func specialID(_ key: String, default fallback: Int32?) throws -> Int32? {
            let inRange = { (id: Int) in id >= 0 && id < count }
            guard let value = try metadata.integer(key), inRange(value) else {
                return fallback.flatMap { inRange(Int($0)) ? $0 : nil }
            }
            return Int32(value)
        }
        bosID = try specialID("tokenizer.ggml.bos_token_id", default: bos)
        eosID = try specialID("tokenizer.ggml.eos_token_id", default: eos)
        unknownID = try specialID("tokenizer.ggml.unknown_token_id", default: unknown)
        paddingID = try specialID("tokenizer.ggml.padding_token_id", default: nil)
        let endOfTurnID = try specialID("tokenizer.ggml.eot_token_id", default: nil)
        let endOfMessageID = try specialID("tokenizer.ggml.eom_token_id", default: nil)
        addBOS = try metadata.bool("tokenizer.ggml.add_bos_token") ?? addBOS
        addEOS = try metadata.bool("tokenizer.ggml.add_eos_token") ?? addEOS
        if addBOS && bosID == nil {
            throw TokenizerError(.invalidMetadata, "add_bos_token is true but there is no BOS token", key: "tokenizer.ggml.bos_token_id")
        }
        if addEOS && eosID == nil {
            throw TokenizerError(.invalidMetadata, "add_eos_token is true but there is no EOS token", key: "tokenizer.ggml.eos_token_id")
        }

        // Tokens that end generation are control tokens even when the file says otherwise (as llama.cpp does).
        var endOfGeneration = Set([eosID, endOfTurnID, endOfMessageID].compactMap { $0 })
        for text in Self.endOfGenerationTexts {
            guard let id = idsByText[text] else { continue }
            endOfGeneration.insert(id)
            attributes[Int(id)].insert(.control)
        }
        for id in [endOfTurnID, endOfMessageID].compactMap({ $0 }) { attributes[Int(id)].insert(.control) }
        endOfGenerationIDs = endOfGeneration

        let specialKinds: TokenAttributes = [.control, .userDefined, .unknown]
        let lengths: [Int] = tokens.map(\.count)
        var specials: [Int] = []
        for id in 0..<count where !attributes[id].isDisjoint(with: specialKinds) { specials.append(id) }
        specials.sort { (a: Int, b: Int) -> Bool in
            lengths[a] != lengths[b] ? lengths[a] > lengths[b] : a < b
        }
        specialIDsLongestFirst = specials.map { Int32($0) }
    }

    private static func scores(_ metadata: GGUFMetadata, count: Int) throws -> [Float] {
        guard let array = try metadata.array("tokenizer.ggml.scores") else { return [Float](repeating: 0, count: count) }
        let values: [Float]
        switch array {
        case .float32(let floats): values = floats
        case .int32(let integers): values = integers.map { Float($0) }
        default:
            throw TokenizerError(.invalidMetadata, "scores must be float32 or int32", key: "tokenizer.ggml.scores")
        }
        guard values.count >= count else {
            throw TokenizerError(.invalidMetadata, "fewer scores than tokens", key: "tokenizer.ggml.scores")
        }
        return Array(values.prefix(count))
    }

    private static func attributes(_ metadata: GGUFMetadata, count: Int) throws -> [TokenAttributes] {
        guard let array = try metadata.array("tokenizer.ggml.token_type") else {
            return [TokenAttributes](repeating: .normal, count: count)
        }
        guard case .int32(let types) = array, types.count >= count else {
            throw TokenizerError(
                .invalidMetadata, "token types must be an int32 array as long as the vocabulary",
                key: "tokenizer.ggml.token_type")
        }
        return types.prefix(count).map { TokenAttributes(ggufTokenType: Int($0)) }
    }

    /// Merges are "left right" strings, split at the first space after the first byte; earlier merges rank higher.
    private static func mergeRanks(_ metadata: GGUFMetadata) throws -> [MergePair: Int] {
        guard let merges = try metadata.stringArray("tokenizer.ggml.merges") else {
            throw TokenizerError(.invalidMetadata, "byte-level BPE needs merges", key: "tokenizer.ggml.merges")
        }
        var ranks: [MergePair: Int] = Dictionary(minimumCapacity: merges.count)
        for (rank, merge) in merges.enumerated() {
            let bytes = Array(merge.utf8)
            var pair = MergePair(left: ByteString([]), right: ByteString([]))
            if bytes.count > 1, let space = bytes[1...].firstIndex(of: 0x20) {
                pair = MergePair(left: ByteString(bytes[..<space]), right: ByteString(bytes[(space + 1)...]))
            }
            if ranks[pair] == nil { ranks[pair] = rank }
        }
        return ranks
    }
}
