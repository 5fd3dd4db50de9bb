/// Where in a policy file something was found; lines and columns count from 1.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:col`, the shape compilers print so editors can jump to it.
    public var description: String { "\(file):\(line):\(column)" }
}

/// A problem with a model, policy, request or cases file.
///
/// `code` is stable and safe to match on or count in metrics; `message` is for people. The description
/// reads `file:line:col: message` when a location is known. Messages quote policy text (an admin's own
/// file) but never request values, so they are safe for logs.
public struct PolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable machine-readable categories.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The model `.conf` file is malformed or misses a required section.
        public static let invalidModel = Code(rawValue: "policy.invalid_model")
        /// The matcher expression cannot be parsed or refers to undefined tokens or functions.
        public static let invalidMatcher = Code(rawValue: "policy.invalid_matcher")
        /// The `[policy_effect]` line is not one of Casbin's supported expressions.
        public static let unsupportedEffect = Code(rawValue: "policy.unsupported_effect")
        /// The policy `.csv` file is malformed or a rule does not fit its definition.
        public static let invalidPolicy = Code(rawValue: "policy.invalid_policy")
        /// A request line or value cannot be used (wrong arity, bad JSON).
        public static let invalidRequest = Code(rawValue: "policy.invalid_request")
        /// A cases file is malformed.
        public static let invalidCases = Code(rawValue: "policy.invalid_cases")
        /// One or more expected decisions in a cases file did not hold.
        public static let caseFailed = Code(rawValue: "policy.case_failed")
        /// A file could not be read.
        public static let unreadableFile = Code(rawValue: "policy.unreadable_file")
        /// Evaluation failed at run time (type mismatch, invalid IP address, bad regular expression).
        public static let evaluationFailed = Code(rawValue: "policy.evaluation_failed")
    }

    public let code: Code
    public let message: String
    public let location: SourceLocation?

    public init(_ code: Code, _ message: String, at location: SourceLocation? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }
}
