import WardenEngine

/// Small vocabularies written out by hand, so that expected token ids can be worked out on paper from the tokenizer
/// rules rather than taken from the code under test.
enum HandMadeVocabulary {
    /// GPT-2's byte-to-character rule, written from its definition: the printable bytes 0x21–0x7E, 0xA1–0xAC and
    /// 0xAE–0xFF stand for themselves; the remaining 68 bytes take U+0100, U+0101, ... in byte order.
    static let gpt2ByteCharacters: [String] = {
        var characters: [String] = []
        var next = 0x100
        for byte in 0..<256 {
            if (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte) {
                characters.append(String(UnicodeScalar(UInt8(byte))))
            } else {
                characters.append(String(UnicodeScalar(UInt32(next))!))
                next += 1
            }
        }
        return characters
    }()

    /// A byte-level BPE model: ids 0–255 are the 256 byte characters (so a byte's id is its value), followed by
    /// `extraTokens` (ids from 256 on) and then the control tokens `<|endoftext|>`, `<|im_start|>`, `<|im_end|>`.
    static func byteLevel(pre: String, extraTokens: [String] = [], merges: [String] = []) throws -> Tokenizer {
        var writer = try GGUFWriter()
        let tokens = gpt2ByteCharacters + extraTokens + ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
        let types = [Int32](repeating: 1, count: 256 + extraTokens.count) + [3, 3, 3]
        writer.setValue(.string("gpt2"), forKey: "tokenizer.ggml.model")
        writer.setValue(.string(pre), forKey: "tokenizer.ggml.pre")
        writer.setValue(.array(.string(tokens)), forKey: "tokenizer.ggml.tokens")
        writer.setValue(.array(.int32(types)), forKey: "tokenizer.ggml.token_type")
        writer.setValue(.array(.string(merges)), forKey: "tokenizer.ggml.merges")
        writer.setValue(.uint32(UInt32(tokens.count - 3)), forKey: "tokenizer.ggml.bos_token_id")
        writer.setValue(.uint32(UInt32(tokens.count - 1)), forKey: "tokenizer.ggml.eos_token_id")
        writer.setValue(.bool(false), forKey: "tokenizer.ggml.add_bos_token")
        return try Tokenizer(gguf: GGUFFile(bytes: writer.serialized()))
    }

    /// Ids of the SentencePiece model below.
    enum SP {
        static let unknown: Int32 = 0, bos: Int32 = 1, eos: Int32 = 2
        /// `<0xNN>` is 3 + NN.
        static func byte(_ value: UInt8) -> Int32 { 3 + Int32(value) }
        static let space: Int32 = 259, a: Int32 = 260, b: Int32 = 261, spaceA: Int32 = 262, ab: Int32 = 263
        static let spaceAB: Int32 = 264, control: Int32 = 265, userDefined: Int32 = 266
    }

    /// A SentencePiece model: `<unk>`, `<s>`, `</s>`, the 256 byte tokens, then `▁` `a` `b` `▁a` `ab` `▁ab` with
    /// scores 0, 0, 0, -3, -2, -1, a control token `<ctl>` and a user-defined token `<ud>`.
    static func sentencePiece(addSpacePrefix: Bool = true) throws -> Tokenizer {
        var writer = try GGUFWriter()
        let byteNames = (0..<256).map { "<0x" + String($0, radix: 16, uppercase: true).leftPadded(to: 2) + ">" }
        let tokens = ["<unk>", "<s>", "</s>"] + byteNames + ["▁", "a", "b", "▁a", "ab", "▁ab", "<ctl>", "<ud>"]
        let scores: [Float] = [0, 0, 0] + [Float](repeating: 0, count: 256) + [0, 0, 0, -3, -2, -1, 0, 0]
        let types: [Int32] = [2, 3, 3] + [Int32](repeating: 6, count: 256) + [1, 1, 1, 1, 1, 1, 3, 4]
        writer.setValue(.string("llama"), forKey: "tokenizer.ggml.model")
        writer.setValue(.array(.string(tokens)), forKey: "tokenizer.ggml.tokens")
        writer.setValue(.array(.float32(scores)), forKey: "tokenizer.ggml.scores")
        writer.setValue(.array(.int32(types)), forKey: "tokenizer.ggml.token_type")
        writer.setValue(.uint32(1), forKey: "tokenizer.ggml.bos_token_id")
        writer.setValue(.uint32(2), forKey: "tokenizer.ggml.eos_token_id")
        writer.setValue(.bool(addSpacePrefix), forKey: "tokenizer.ggml.add_space_prefix")
        return try Tokenizer(gguf: GGUFFile(bytes: writer.serialized()))
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
