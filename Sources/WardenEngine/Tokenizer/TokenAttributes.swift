/// What kind of token a vocabulary entry is, from `tokenizer.ggml.token_type` (llama.cpp's attribute bits).
public struct TokenAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The unknown token (`<unk>`).
    public static let unknown = TokenAttributes(rawValue: 1 << 0)
    /// A reserved, unused entry.
    public static let unused = TokenAttributes(rawValue: 1 << 1)
    /// An ordinary piece of text.
    public static let normal = TokenAttributes(rawValue: 1 << 2)
    /// A control token (BOS, EOS, turn markers): matched in input only when special parsing is on, and rendered in
    /// output only when asked.
    public static let control = TokenAttributes(rawValue: 1 << 3)
    /// A user-defined token: always matched in input as a whole, and rendered as its text.
    public static let userDefined = TokenAttributes(rawValue: 1 << 4)
    /// A byte-fallback token (`<0xNN>`).
    public static let byte = TokenAttributes(rawValue: 1 << 5)

    /// The attributes of a GGUF token type number (0 undefined, 1 normal, 2 unknown, 3 control, 4 user-defined,
    /// 5 unused, 6 byte); unknown numbers are undefined (no bits), as in llama.cpp.
    init(ggufTokenType: Int) {
        switch ggufTokenType {
        case 1: self = .normal
        case 2: self = .unknown
        case 3: self = .control
        case 4: self = .userDefined
        case 5: self = .unused
        case 6: self = .byte
        default: self = []
        }
    }
}
