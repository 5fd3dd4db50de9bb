/// A model's vocabulary and tokenizer settings, as llama.cpp derives them from GGUF metadata.
///
/// Built once per model (see `Vocabulary+Loading.swift`) and shared read-only by every encode and decode.
struct Vocabulary: Sendable {
    /// The pair of adjacent symbols a byte-level BPE merge joins.
    struct MergePair: Hashable, Sendable {
        var left: ByteString
        var right: ByteString
    }

    var kind: TokenizerKind
    /// Each token's exact bytes, indexed by id.
    var tokens: [[UInt8]]
    /// Each token's SentencePiece score (0 when the file has none).
    var scores: [Float]
    var attributes: [TokenAttributes]
    var idsByText: [ByteString: Int32]
    /// Byte-level BPE merge ranks (lower merges first); empty for SentencePiece.
    var mergeRanks: [MergePair: Int]

    var bosID: Int32?
    var eosID: Int32?
    var unknownID: Int32?
    var paddingID: Int32?
    var addBOS: Bool
    var addEOS: Bool
    /// SentencePiece: put a space before the text (and after each special token) before encoding.
    var addSpacePrefix: Bool
    /// BPE decoding: remove spaces before punctuation as Hugging Face's `clean_up_tokenization_spaces` does.
    var cleanSpaces: Bool
    /// Byte-level BPE: a pre-tokenized word that is itself a token is emitted whole (Llama 3).
    var ignoreMerges: Bool
    /// Tokens that end generation: EOS, end-of-turn and end-of-message tokens.
    var endOfGenerationIDs: Set<Int32>
    /// Control, user-defined and unknown tokens, longest text first: the order in which they are cut out of input.
    var specialIDsLongestFirst: [Int32]

    var count: Int { tokens.count }

    func id(forBytes bytes: [UInt8]) -> Int32? { idsByText[ByteString(bytes)] }

    func isValid(_ id: Int32) -> Bool { id >= 0 && Int(id) < tokens.count }

    /// The token for a single byte in SentencePiece byte fallback: `<0xNN>`, else the byte itself, else `<unk>`.
    func byteFallbackID(_ byte: UInt8) -> Int32? {
        let hex = Array("0123456789ABCDEF".utf8)
        let name: [UInt8] = [0x3C, 0x30, 0x78, hex[Int(byte >> 4)], hex[Int(byte & 15)], 0x3E]  // "<0xNN>"
        return id(forBytes: name) ?? id(forBytes: [byte]) ?? unknownID
    }
}
