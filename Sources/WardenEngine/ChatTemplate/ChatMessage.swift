/// One message of a conversation, as the OpenAI API and chat templates see it.
public struct ChatMessage: Sendable, Equatable {
    /// Who wrote the message.
    public enum Role: String, Sendable, CaseIterable {
        case system
        case user
        case assistant
    }

    public var role: Role
    public var content: String

    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}
