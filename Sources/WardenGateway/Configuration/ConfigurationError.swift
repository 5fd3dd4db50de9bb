/// A configuration file or environment variable that cannot be used; the description names the key and source.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
