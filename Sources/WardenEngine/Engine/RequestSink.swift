import Foundation

/// How a request's tokens and outcome reach its caller. Called on the compute thread only.
struct RequestSink: Sendable {
    /// Delivers a token; returns false when the caller wants no more (it cancelled).
    let token: @Sendable (GeneratedToken) -> Bool
    /// Delivers the outcome, exactly once.
    let finish: @Sendable (Result<GenerationSummary, EngineError>) -> Void
}

/// Set from any thread when a request's consumer goes away (stream terminated, task cancelled).
final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
