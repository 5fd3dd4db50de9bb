import Testing
import WardenEngine

/// Mutates real files and generates random ones; the reader must return or throw, never crash or read out of bounds.
/// Seeded, so a failure names the iteration that can be replayed.
@Suite struct GGUFFuzzTests {
    private static let interestingWords: [UInt64] = [
        0, 1, 2, 3, 4, 7, 8, 9, 12, 13, 31, 32, 63, 64, 255, 256, 0x7FFF_FFFF, 0xFFFF_FFFF, 1 << 32, 1 << 40,
        UInt64(Int64.max), UInt64.max, UInt64.max - 7,
    ]

    /// Reads every tensor's first and last byte, so that a bounds bug would surface as a crash here.
    private func touchEveryTensor(_ file: GGUFFile) throws {
        var sum: UInt8 = 0
        for tensor in file.tensors {
            let bytes = try file.bytes(of: tensor)
            #expect(bytes.count == tensor.byteCount)
            if let first = bytes.first, let last = bytes.last { sum &+= first &+ last }
        }
        _ = sum
    }

    /// The tokenizer and chat template read the same untrusted metadata: building them from a mutated file must
    /// also end in a value or an error, and a tokenizer that builds must encode and decode without crashing.
    private func exerciseTokenizer(of file: GGUFFile) {
        guard let tokenizer = try? Tokenizer(gguf: file) else { return }
        let ids = tokenizer.encode("Hello, wörld! 12345 <|im_start|>\n\t 日本", parseSpecial: true)
        #expect(ids.allSatisfy { $0 >= 0 && Int($0) < tokenizer.vocabularySize })
        _ = tokenizer.decode(ids + [-1, Int32.max], renderSpecial: true)
        if let template = try? ChatTemplate(gguf: file, fallback: .chatML),
            let prompt = try? template.render([ChatMessage(role: .user, content: "hi")])
        {
            _ = tokenizer.encode(prompt)
        }
    }

    private func mutate(_ original: [UInt8], headerEnd: Int, using rng: inout SeededGenerator) -> [UInt8] {
        var bytes = original
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let focus = max(1, min(bytes.count, headerEnd + 64))
            let position = Int.random(in: 0..<focus, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0:
                bytes[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
            case 1:
                bytes[position] = UInt8.random(in: 0...255, using: &rng)
            case 2:
                let word = Self.interestingWords.randomElement(using: &rng)!
                let width = [4, 8].randomElement(using: &rng)!
                for index in 0..<width where position + index < bytes.count {
                    bytes[position + index] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(index)))
                }
            case 3:
                bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...16, using: &rng)))
            case 4:
                bytes.insert(contentsOf: (0..<Int.random(in: 1...16, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: position)
            default:
                bytes.removeSubrange(min(bytes.count, position)...)
            }
            if bytes.isEmpty { break }  // keeps `focus` a non-empty range
        }
        return bytes
    }

    @Test(arguments: [GGUFFixtures.tinyLlamaPath, GGUFFixtures.tinyQwen2Path])
    func mutatedFixturesNeverCrashTheReader(path: String) throws {
        let original = try GGUFFixtures.bytes(atPath: path)
        let headerEnd = try GGUFFile(bytes: original).dataOffset
        var accepted = 0
        for iteration in 0..<700 {
            var rng = SeededGenerator(seed: 0xC0FFEE &+ UInt64(iteration))
            let bytes = mutate(original, headerEnd: headerEnd, using: &rng)
            if let file = try? GGUFFile(bytes: bytes) {
                accepted += 1
                try touchEveryTensor(file)
                exerciseTokenizer(of: file)
            }
        }
        // Some mutations land in values that do not matter (scores, padding); most must be caught.
        #expect(accepted < 700)
    }

    @Test func randomBytesBehindAValidHeaderNeverCrashTheReader() throws {
        for iteration in 0..<2000 {
            var rng = SeededGenerator(seed: 0xBADF00D &+ UInt64(iteration))
            var file = HandMadeGGUF(
                version: [2, 3].randomElement(using: &rng)!,
                tensorCount: UInt64.random(in: 0...4, using: &rng),
                metadataCount: UInt64.random(in: 0...4, using: &rng))
            // Random tokens biased towards plausible structure: small lengths, valid type tags, interesting words.
            for _ in 0..<Int.random(in: 0...40, using: &rng) {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: file.u32(UInt32.random(in: 0...13, using: &rng))
                case 1: file.u64(UInt64.random(in: 0...8, using: &rng))
                case 2: file.u64(Self.interestingWords.randomElement(using: &rng)!)
                default: file.u8(UInt8.random(in: 0...255, using: &rng))
                }
            }
            if let parsed = try? GGUFFile(bytes: file.bytes) { try touchEveryTensor(parsed) }
        }
    }

    @Test func purelyRandomBytesAreRejected() {
        for iteration in 0..<1000 {
            var rng = SeededGenerator(seed: 0x5EED &+ UInt64(iteration))
            let bytes = (0..<Int.random(in: 0...256, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(throws: GGUFError.self) { try GGUFFile(bytes: bytes) }
        }
    }
}
