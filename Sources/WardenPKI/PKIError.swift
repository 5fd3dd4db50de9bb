/// An error from certificate issuance, loading or validation.
///
/// A struct with a stable ``code`` and a private reason, so that new failure cases can be added without breaking
/// callers and so that equality compares only what callers can rely on. Descriptions name files and fields, never
/// key material.
public struct PKIError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is; stable across versions.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A file could not be read or written.
        public static let fileAccess = Code("fileAccess")
        /// A private key file is readable by group or others.
        public static let insecureKeyPermissions = Code("insecureKeyPermissions")
        /// A PEM or DER document could not be parsed.
        public static let malformedDocument = Code("malformedDocument")
        /// The request to issue a certificate was not valid (bad name, team, role, lifetime...).
        public static let invalidRequest = Code("invalidRequest")
        /// A certificate revocation list's signature or issuer does not match the CA.
        public static let untrustedRevocationList = Code("untrustedRevocationList")
    }

    public let code: Code
    private let reason: String

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }

    public static func == (lhs: PKIError, rhs: PKIError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
