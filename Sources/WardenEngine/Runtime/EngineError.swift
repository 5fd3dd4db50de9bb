/// An error from loading or running a model: a stable `code` to branch on, and a detail for operators.
///
/// The detail never contains prompt or generated text, only names, shapes and numbers from the model file.
public struct EngineError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable identifier of the kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The model file could not be opened or is not a valid GGUF file.
        public static let invalidModelFile = Code("invalidModelFile")
        /// The file's `general.architecture` is not one the engine implements.
        public static let unsupportedArchitecture = Code("unsupportedArchitecture")
        /// A required hyperparameter is missing or out of range.
        public static let invalidHyperparameters = Code("invalidHyperparameters")
        /// A tensor the architecture needs is missing, or has the wrong shape or an unsupported type.
        public static let invalidTensor = Code("invalidTensor")
        /// A request asked for something impossible: a token id outside the vocabulary, a prompt longer than the
        /// context, an empty prompt.
        public static let invalidRequest = Code("invalidRequest")
        /// The key/value cache has no room for the tokens asked for.
        public static let contextFull = Code("contextFull")
        /// The caller cancelled the generation.
        public static let cancelled = Code("cancelled")
        /// The engine was shut down.
        public static let shutDown = Code("shutDown")
        /// The engine's request queue is full; `retryAfterSeconds` suggests when to try again (HTTP 429).
        public static let queueFull = Code("queueFull")
        /// The request's deadline passed before it produced any token.
        public static let deadlineExceeded = Code("deadlineExceeded")
    }

    public let code: Code
    /// What went wrong, for logs; free of user text.
    public let detail: String
    /// For `queueFull`: whole seconds after which a retry is likely to be admitted (OpenAI-style `Retry-After`).
    public let retryAfterSeconds: Int?

    init(_ code: Code, _ detail: String, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.detail = detail
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(code): \(detail)" }
    public static func == (lhs: EngineError, rhs: EngineError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
