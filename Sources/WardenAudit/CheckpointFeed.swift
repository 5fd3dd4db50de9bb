/// Hands the verifier each checkpoint (the database's or export's, then the witness's) just before
/// the record that reaches its tree size, so that only a window of checkpoints is ever held and a
/// checkpoint's problem is reported in record order: the first bad seq comes first, whatever the
/// batch size. Callers compare `nextSize` with the size the next record reaches (one comparison
/// per record) and call `feed` only when it is reached.
struct CheckpointFeed {
    private let witness: WitnessStream?
    /// The current batch's stored checkpoints (database only), in tree-size order.
    private var stored: [(checkpoint: AuditCheckpoint, signatureValid: Bool?)] = []
    private var storedIndex = 0
    /// No checkpoint of a smaller tree size is left to hand over; 0 until the first `feed`.
    private(set) var nextSize: UInt64 = 0

    init(witness: WitnessStream?) {
        self.witness = witness
    }

    /// Takes the stored checkpoints a database batch carries (those before them were all handed over).
    mutating func take(_ checkpoints: [(checkpoint: AuditCheckpoint, signatureValid: Bool?)]) {
        stored = checkpoints
        storedIndex = 0
        nextSize = 0
    }

    /// Adds every checkpoint of tree size at most `size`: the stored ones first, so the witness's
    /// identical copies are recognised without a second signature check.
    mutating func feed(upTo size: UInt64, into verifier: inout ChainVerifier) throws(AuditError) {
        while storedIndex < stored.count, stored[storedIndex].checkpoint.treeSize <= size {
            let (checkpoint, valid) = stored[storedIndex]
            verifier.add(checkpoint: checkpoint, fromWitness: false, signatureValid: valid)
            storedIndex += 1
        }
        if storedIndex == stored.count, !stored.isEmpty {
            stored.removeAll()
            storedIndex = 0
        }
        try witness?.feed(upTo: size, into: &verifier)
        let nextStored = storedIndex < stored.count ? stored[storedIndex].checkpoint.treeSize : UInt64.max
        nextSize = min(nextStored, witness?.nextSize ?? .max)
    }
}
