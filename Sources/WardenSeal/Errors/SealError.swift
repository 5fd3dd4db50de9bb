/// An error from the sealed store or its key ring.
///
/// The `code` is stable and safe to show to anyone; `recordID` names the record involved, if any. The reason is private
/// detail for operators: it never contains plaintext or key material, only identifiers, versions, sizes and paths.
/// Two errors are equal when their codes are equal, so callers match on the code, not on the wording.
public struct SealError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable category of a ``SealError``. New codes may be added; match with `==` rather than exhaustively.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable spelling, for logs, exit messages and API error bodies.
        public let rawValue: String
        init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// No key ring exists at the given source.
        public static let keyRingMissing = Code("keyring.missing")
        /// The key ring could not be parsed or failed its own consistency checks.
        public static let keyRingCorrupt = Code("keyring.corrupt")
        /// The key ring file is readable by group or others, or is not a regular file.
        public static let keyRingInsecure = Code("keyring.insecure")
        /// The key ring came from a read-only source (environment, systemd credential) and cannot be changed here.
        public static let keyRingReadOnly = Code("keyring.read_only")
        /// `keys init` was asked to create a key ring where one already exists.
        public static let keyRingExists = Code("keyring.exists")
        /// A record or request names a key version the key ring does not hold (never existed or retired).
        public static let keyVersionUnknown = Code("keyring.version_unknown")
        /// A key operation is not allowed in the ring's current state (retiring the primary, retiring a used version...).
        public static let keyOperationRefused = Code("keyring.operation_refused")
        /// The primary key version reached its hard use limit; rotate the key ring.
        public static let keyUsageExhausted = Code("keyring.usage_exhausted")
        /// A record identifier is not in the expected format.
        public static let invalidRecordID = Code("record.invalid_id")
        /// Owner, domain, kind or model is empty, too long, or otherwise unusable.
        public static let invalidMetadata = Code("record.invalid_metadata")
        /// The plaintext exceeds the configured maximum record size.
        public static let recordTooLarge = Code("record.too_large")
        /// No record with this identifier exists.
        public static let recordNotFound = Code("record.not_found")
        /// The record existed but its data key was destroyed: its content is unrecoverable by design.
        public static let recordShredded = Code("record.shredded")
        /// Authentication failed: the ciphertext, tag, nonce, wrapped key or a bound field was altered or moved.
        public static let integrityFailure = Code("record.integrity_failure")
        /// The audit event sink refused or failed to record an event, so the operation was not carried out (or not reported
        /// as done). Warden fails closed: an operation that cannot be audited does not happen.
        public static let auditFailed = Code("audit.failed")
        /// The database or a file could not be read or written.
        public static let storageFailure = Code("storage.failure")
        /// A command-line or configuration value is unusable (bad duration, bad size...).
        public static let invalidArgument = Code("argument.invalid")
    }

    /// The stable category of this error.
    public let code: Code
    /// The record this error concerns, if any.
    public let recordID: String?
    /// Operator-facing detail. Never contains plaintext or key material.
    public let reason: String
    let fileID: String
    let line: Int

    init(_ code: Code, recordID: String? = nil, _ reason: String, fileID: String = #fileID, line: Int = #line) {
        self.code = code
        self.recordID = recordID
        self.reason = reason
        self.fileID = fileID
        self.line = line
    }

    public var description: String {
        if let recordID {
            return "\(code.rawValue): record \(recordID): \(reason)"
        }
        return "\(code.rawValue): \(reason)"
    }

    public static func == (lhs: SealError, rhs: SealError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
