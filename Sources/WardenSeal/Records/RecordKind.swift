/// What a sealed record holds. Bound into the AAD, so a completion cannot be passed off as a prompt.
public struct RecordKind: Hashable, Sendable, CustomStringConvertible {
    /// The stable spelling stored in the database and the AAD.
    public let rawValue: String

    /// Accepts the known kinds only, so a typo cannot create a kind retention or readers do not know about.
    public init?(rawValue: String) {
        guard Self.all.contains(where: { $0.rawValue == rawValue }) else { return nil }
        self.rawValue = rawValue
    }

    private init(known rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    /// The prompt text a caller sent (the messages, flattened by the gateway).
    public static let prompt = RecordKind(known: "prompt")
    /// The text the model produced.
    public static let completion = RecordKind(known: "completion")
    /// The raw HTTP request body, kept for investigations.
    public static let requestBody = RecordKind(known: "request-body")

    /// Every kind the store accepts.
    public static let all: [RecordKind] = [.prompt, .completion, .requestBody]
}
