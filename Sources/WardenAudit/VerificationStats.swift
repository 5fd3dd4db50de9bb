/// Internal figures from one verification, for tests that hold memory use to a bounded window.
final class VerificationStats {
    /// Most checkpoints the verifier held at once (waiting for the records to reach their size).
    var peakPendingCheckpoints = 0
}
