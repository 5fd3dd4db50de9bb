/// An error found while building a tokenizer from GGUF metadata.
///
/// Encoding and decoding never fail (any Swift string can be tokenized, any id decoded), so this only describes
/// vocabularies that are missing, malformed or of a kind the engine does not support. Descriptions name the metadata key
/// and never contain prompt text.
public struct TokenizerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable kind of problem.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name, e.g. `unknownTemplate`.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A required tokenizer key is absent or has the wrong type.
        public static let invalidMetadata = Code("invalidMetadata")
        /// `tokenizer.ggml.model` names a tokenizer the engine does not implement.
        public static let unsupportedModel = Code("unsupportedModel")
        /// `tokenizer.ggml.pre` names a pre-tokenizer the engine does not implement.
        public static let unsupportedPreTokenizer = Code("unsupportedPreTokenizer")
        /// The vocabulary is empty, too large, or lists a token twice.
        public static let invalidVocabulary = Code("invalidVocabulary")
    }

    /// What went wrong, as a stable code.
    public let code: Code
    /// The metadata key concerned, when there is one.
    public let key: String?
    private let reason: String

    init(_ code: Code, _ reason: String, key: String? = nil) {
        self.code = code
        self.reason = reason
        self.key = key
    }

    /// Wraps a metadata access error.
    init(_ error: GGUFError) {
        self.init(.invalidMetadata, error.description, key: error.subject)
    }

    public var description: String {
        var text = "tokenizer \(code): \(reason)"
        if let key { text += " [\(key)]" }
        return text
    }

    public static func == (lhs: TokenizerError, rhs: TokenizerError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
