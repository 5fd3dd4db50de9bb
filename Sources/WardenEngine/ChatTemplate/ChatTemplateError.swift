/// An error choosing a chat template or rendering a conversation with it.
///
/// Descriptions name the problem and never include message content.
public struct ChatTemplateError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable kind of problem.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name, e.g. `unknownTemplate`.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The model's template (or, without one, its architecture and vocabulary) matches no supported family.
        public static let unknownTemplate = Code("unknownTemplate")
        /// The conversation cannot be expressed in the family's format (wrong order of roles, no user message, ...).
        public static let invalidConversation = Code("invalidConversation")
    }

    /// What went wrong, as a stable code.
    public let code: Code
    private let reason: String

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "chat template \(code): \(reason)" }

    public static func == (lhs: ChatTemplateError, rhs: ChatTemplateError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
