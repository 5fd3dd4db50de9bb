import Foundation

/// Where a key ring comes from.
///
/// Only a file can be changed by `warden keys rotate|retire`; the environment and systemd credentials are read-only
/// sources for deployments whose secrets are managed outside Warden (rotate by updating the secret and restarting).
public enum KeyRingSource: Sendable, Hashable, CustomStringConvertible {
    /// A `warden-keyring/v1` JSON file, mode 0600 (anything group- or world-accessible is refused).
    case file(path: String)
    /// An environment variable holding the JSON document, or its base64.
    case environment(variable: String)
    /// A systemd credential: the file `$CREDENTIALS_DIRECTORY/<name>` (set up with `LoadCredential=`/`SetCredentialEncrypted=`).
    case systemdCredential(name: String)

    public var description: String {
        switch self {
        case .file(let path): "file \(path)"
        case .environment(let variable): "environment variable \(variable)"
        case .systemdCredential(let name): "systemd credential \(name)"
        }
    }

    /// Whether key operations can write this source.
    public var isWritable: Bool {
        if case .file = self { return true }
        return false
    }

    /// Loads and checks the ring. Missing, corrupt or over-permissive sources are refused with a message naming them.
    public func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws(SealError) -> KeyRing {
        switch self {
        case .file(let path):
            let data = try SecretFile.read(path: path, maximumSize: KeyRing.maximumEncodedSize)
            return try KeyRing.decode(data, origin: path)
        case .environment(let variable):
            guard let value = environment[variable], !value.isEmpty else {
                throw SealError(.keyRingMissing, "environment variable \(variable) is not set")
            }
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            let data = trimmed.hasPrefix("{") ? Data(trimmed.utf8) : Data(base64Encoded: trimmed)
            guard let data else {
                throw SealError(.keyRingCorrupt, "environment variable \(variable) is neither JSON nor base64")
            }
            return try KeyRing.decode(data, origin: "environment variable \(variable)")
        case .systemdCredential(let name):
            guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else {
                throw SealError(.keyRingMissing, "CREDENTIALS_DIRECTORY is not set; is the service started with LoadCredential=\(name)?")
            }
            guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
                throw SealError(.invalidArgument, "credential name must be a plain file name")
            }
            let path = directory + "/" + name
            let data = try SecretFile.read(path: path, maximumSize: KeyRing.maximumEncodedSize)
            return try KeyRing.decode(data, origin: path)
        }
    }
}
