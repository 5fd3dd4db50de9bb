/// The models this gateway serves, as `/v1/models` lists them and the policy labels them.
public struct ModelCatalog: Sendable {
    public struct Entry: Sendable, Hashable {
        public var id: String
        public var contextLength: Int
        /// Compared with callers' clearance by the policy.
        public var sensitivity: Int
        /// Unix time the model was loaded.
        public var created: Int
        public var ownedBy: String

        public init(id: String, contextLength: Int, sensitivity: Int, created: Int, ownedBy: String = "warden") {
            self.id = id
            self.contextLength = contextLength
            self.sensitivity = sensitivity
            self.created = created
            self.ownedBy = ownedBy
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    public func model(id: String) -> Entry? {
        entries.first { $0.id == id }
    }
}
