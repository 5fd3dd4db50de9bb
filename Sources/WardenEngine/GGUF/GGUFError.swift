/// An error found while reading, validating or writing a GGUF file.
///
/// GGUF files are untrusted input: every problem the reader finds becomes one of these, never a crash. The `code` is stable
/// and meant for programs (equality compares the code only); `offset`, `subject` and the description are for people.
/// Descriptions name the key or tensor and the byte offset, and never contain metadata *values* or tensor data.
public struct GGUFError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable kind of problem.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name, e.g. `unknownTemplate`.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The file could not be opened, measured or mapped, or written.
        public static let io = Code("io")
        /// The first four bytes are not `GGUF`.
        public static let badMagic = Code("badMagic")
        /// The version is not 2 or 3 (or the file is big-endian).
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// The file ends before a declared structure does.
        public static let truncated = Code("truncated")
        /// A count, length, depth or size is above the reader's limits (see `GGUFLimits`).
        public static let limitExceeded = Code("limitExceeded")
        /// Sizes declared in the file overflow when combined.
        public static let arithmeticOverflow = Code("arithmeticOverflow")
        /// A metadata value has an unknown type tag or an invalid encoding.
        public static let invalidValue = Code("invalidValue")
        /// The same metadata key appears twice.
        public static let duplicateKey = Code("duplicateKey")
        /// `general.alignment` is not a power of two that fits in 32 bits.
        public static let invalidAlignment = Code("invalidAlignment")
        /// A tensor's name, dimensions or shape is invalid.
        public static let invalidTensor = Code("invalidTensor")
        /// The same tensor name appears twice.
        public static let duplicateTensor = Code("duplicateTensor")
        /// A tensor's element type is not one the engine supports.
        public static let unsupportedTensorType = Code("unsupportedTensorType")
        /// A tensor's data lies (partly) outside the data section, or is not aligned.
        public static let tensorOutOfBounds = Code("tensorOutOfBounds")
        /// A required metadata key is absent.
        public static let missingKey = Code("missingKey")
        /// A metadata key holds a value of another type than the one asked for.
        public static let typeMismatch = Code("typeMismatch")
        /// No tensor has the requested name.
        public static let tensorNotFound = Code("tensorNotFound")
    }

    /// What went wrong, as a stable code.
    public let code: Code
    /// The byte offset in the file where the problem was found, when it has one.
    public let offset: Int?
    /// The metadata key or tensor name concerned, when there is one (shortened to 96 characters).
    public let subject: String?
    /// A human explanation; never contains metadata values or tensor data.
    private let reason: String

    init(_ code: Code, _ reason: String, offset: Int? = nil, subject: String? = nil) {
        self.code = code
        self.reason = reason
        self.offset = offset
        self.subject = subject.map(Self.printable)
    }

    /// A key or tensor name from an untrusted file, made safe to log: at most 96 UTF-8 bytes (counted in O(1);
    /// counting characters of a hostile multi-megabyte name is slow), control characters escaped so a name
    /// cannot forge log lines.
    private static func printable(_ name: String) -> String {
        let utf8 = name.utf8
        let cut = utf8.count > 96
        let head = cut ? String(decoding: utf8.prefix(96), as: UTF8.self) : name
        var result = ""
        for scalar in head.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return cut ? result + "…" : result
    }

    public var description: String {
        var text = "GGUF \(code): \(reason)"
        if let subject { text += " [\(subject)]" }
        if let offset { text += " at byte offset \(offset)" }
        return text
    }

    public static func == (lhs: GGUFError, rhs: GGUFError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
