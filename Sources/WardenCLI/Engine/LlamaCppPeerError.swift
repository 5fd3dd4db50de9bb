/// Why a llama.cpp peer measurement could not be made: a stable `code` to branch on, and a `detail` for the operator
/// (paths and exit statuses only; never prompt text).
struct LlamaCppPeerError: Error, Hashable, CustomStringConvertible {
    /// A stable identifier of the kind of failure.
    struct Code: Hashable, Sendable, CustomStringConvertible {
        let rawValue: String
        var description: String { rawValue }

        /// A llama.cpp executable the measurement needs is not in the build folder.
        static let executableMissing = Code(rawValue: "executableMissing")
        /// A llama.cpp program exited with an error or printed output that could not be read.
        static let programFailed = Code(rawValue: "programFailed")
        /// llama-server did not become healthy, or a request to it failed.
        static let serverFailed = Code(rawValue: "serverFailed")
        /// The arguments asked for something impossible (no thread counts, zero streams, ...).
        static let invalidArguments = Code(rawValue: "invalidArguments")
    }

    let code: Code
    let detail: String

    init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    var description: String { "llama.cpp peer: \(code): \(detail)" }

    /// Errors are equal when their codes are: the detail is for people, not for branching.
    static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
