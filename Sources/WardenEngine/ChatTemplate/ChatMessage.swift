/// One message of a conversation, as the OpenAI API and chat templates see it.
public struct ChatMessage: Sendable, Equatable {
    /// Who wrote the message.
    public enum Role: String, Sendable, CaseIterable {
        case system
        case user
        case assistant
    }

    /// Who wrote the message.
    public var role: Role
    /// The message text, as the user or model wrote it; never parsed for control tokens.
    public var content: String

    /// A message from `role` saying `content`.
    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}
