/// GPT-2's reversible map between bytes and printable Unicode characters, used by byte-level BPE vocabularies:
/// printable Latin-1 bytes map to themselves, the other 68 bytes to U+0100 and up, in byte order (so a space is `Ġ`).
enum ByteLevelMapping {
    /// The character each byte is written as in the vocabulary.
    static let scalarForByte: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: "\0", count: 256)
        var nextExtra: UInt32 = 256
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable {
                table[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                table[byte] = Unicode.Scalar(nextExtra)!
                nextExtra += 1
            }
        }
        return table
    }()

    /// The UTF-8 encoding of each byte's character, ready to append.
    static let utf8ForByte: [[UInt8]] = scalarForByte.map { Array(String($0).utf8) }

    /// The byte each vocabulary character stands for.
    static let byteForScalar: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (byte, scalar) in scalarForByte.enumerated() { map[scalar.value] = UInt8(byte) }
        return map
    }()

    /// Rewrites raw bytes as vocabulary characters (UTF-8).
    static func encode(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        for byte in bytes { out.append(contentsOf: utf8ForByte[Int(byte)]) }
        return out
    }

    /// Turns a vocabulary token back into raw bytes. Characters outside the map are kept as their UTF-8 (llama.cpp
    /// writes a marker there; keeping the text is more useful and cannot be confused with model output).
    static func decode(_ tokenText: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for scalar in String(decoding: tokenText, as: UTF8.self).unicodeScalars {
            if let byte = byteForScalar[scalar.value] {
                out.append(byte)
            } else {
                out.append(contentsOf: Array(String(scalar).utf8))
            }
        }
        return out
    }
}
