import Foundation

/// Ed25519 results for a chunk of checkpoints, computed on two threads.
///
/// A log has a checkpoint every N records, so a million records bring a thousand signature
/// checks; the witness stream checks each chunk it reads ahead this way rather than one by one on
/// the verifying thread. The results are the ones `AuditPublicKey.isValidSignature` gives.
struct CheckpointSignatures {
    private var results: [AuditCheckpoint: Bool] = [:]

    init() {}

    /// Checks every distinct checkpoint signed under `publicKey`'s key id, splitting the work in two.
    init(checking checkpoints: [AuditCheckpoint], publicKey: AuditPublicKey) {
        let keyID = publicKey.keyID
        let distinct = Array(Set(checkpoints.filter { $0.keyID == keyID }))
        guard !distinct.isEmpty else { return }
        let valid = UnsafeMutableBufferPointer<Bool>.allocate(capacity: distinct.count)
        defer { valid.deallocate() }
        valid.initialize(repeating: false)
        let output = SharedOutput(valid: valid)
        let parts = distinct.count >= 16 ? 2 : 1
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            // Each index is written by exactly one part.
            for i in stride(from: part, to: distinct.count, by: parts) {
                output.valid[i] = publicKey.isValidSignature(of: distinct[i])
            }
        }
        for (i, checkpoint) in distinct.enumerated() { results[checkpoint] = valid[i] }
    }

    /// The precomputed result, or nil if this checkpoint was not in the set.
    func isValid(_ checkpoint: AuditCheckpoint) -> Bool? { results[checkpoint] }

    /// Lets the two parts write disjoint elements of one buffer.
    private struct SharedOutput: @unchecked Sendable {
        let valid: UnsafeMutableBufferPointer<Bool>
    }
}
