/// An error from the audit log, with a stable public code and private detail.
///
/// Equality compares only the code, so callers can match on `AuditError.Code` without depending
/// on wording. `description` never contains prompt text, key material or field values: only the
/// code, a fixed explanation and, where relevant, a sequence number or file path.
public struct AuditError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The stable kinds of failure; new codes may be added, existing ones never change meaning.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The event is not well formed (bad type, actor, field name, or a value too large).
        public static let invalidEvent = Code("invalidEvent")
        /// The configuration cannot be used (for example the witness lies in the database directory).
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// A key file is missing, unreadable, malformed or has unsafe permissions.
        public static let keyFile = Code("keyFile")
        /// SQLite reported an error, or the database is not a Warden audit log.
        public static let storage = Code("storage")
        /// The witness file could not be read or written, or is malformed.
        public static let witness = Code("witness")
        /// The database holds fewer records than a checkpoint in the witness covers: its tail was lost or cut off.
        public static let logBehindWitness = Code("logBehindWitness")
        /// The log was closed, or an earlier write failed and it refuses further appends (fail closed).
        public static let closed = Code("closed")
        /// An export or proof file is malformed.
        public static let malformedInput = Code("malformedInput")
        /// The requested record, range or checkpoint does not exist.
        public static let notFound = Code("notFound")
    }

    public let code: Code
    /// A fixed, data-free explanation.
    let reason: String
    let file: String
    let line: Int

    init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { "AuditError.\(code): \(reason)" }

    public static func == (lhs: AuditError, rhs: AuditError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
