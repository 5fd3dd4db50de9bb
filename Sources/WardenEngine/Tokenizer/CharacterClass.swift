/// The character classes the BPE pre-tokenizers test, as llama.cpp's Unicode tables define them: `\p{L}` is every
/// letter category (Lu, Ll, Lt, Lm, Lo), `\p{N}` every number category (Nd, Nl, No), and `\s` the Unicode White_Space
/// property (ASCII tab to carriage return, space, U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F,
/// U+205F, U+3000). Everything else (punctuation, symbols, marks, controls, unassigned) is "other".
struct CharacterClass: OptionSet, Sendable {
    let rawValue: UInt8

    static let letter = CharacterClass(rawValue: 1 << 0)
    static let number = CharacterClass(rawValue: 1 << 1)
    static let whitespace = CharacterClass(rawValue: 1 << 2)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(_ scalar: Unicode.Scalar) {
        if scalar.isASCII {
            self = Self.asciiTable[Int(scalar.value)]
            return
        }
        var result: CharacterClass = []
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            result.insert(.letter)
        case .decimalNumber, .letterNumber, .otherNumber:
            result.insert(.number)
        default:
            break
        }
        if scalar.properties.isWhitespace { result.insert(.whitespace) }
        self = result
    }

    private static let asciiTable: [CharacterClass] = (0..<128).map { value in
        switch value {
        case 0x41...0x5A, 0x61...0x7A: .letter
        case 0x30...0x39: .number
        case 0x09...0x0D, 0x20: .whitespace
        default: []
        }
    }

    /// Neither letter, number nor whitespace (`[^\s\p{L}\p{N}]`).
    var isOther: Bool { isEmpty }
}
