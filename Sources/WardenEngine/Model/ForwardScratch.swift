/// Activation buffers of a forward pass, grown on demand and reused between passes so steps allocate nothing.
final class ForwardScratch {
    private(set) var tokenCapacity = 0
    private(set) var logitRowCapacity = 0
    var hidden = UnsafeMutablePointer<Float>.allocate(capacity: 1)  // residual stream [tokens, dim]
    var normed = UnsafeMutablePointer<Float>.allocate(capacity: 1)  // [tokens, dim]
    var query = UnsafeMutablePointer<Float>.allocate(capacity: 1)  // [tokens, heads * headDim]
    var key = UnsafeMutablePointer<Float>.allocate(capacity: 1)  // [tokens, kvHeads * headDim]
    var value = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var attention = UnsafeMutablePointer<Float>.allocate(capacity: 1)  // [tokens, heads * headDim]
    var projected = UnsafeMutablePointer<Float>.allocate(capacity: 1)  // [tokens, dim]
    var gate = UnsafeMutablePointer<Float>.allocate(capacity: 1)  // [tokens, ff]
    var up = UnsafeMutablePointer<Float>.allocate(capacity: 1)  // [tokens, ff]
    var logitInput = UnsafeMutablePointer<Float>.allocate(capacity: 1)  // [rows, dim]
    var logits = UnsafeMutablePointer<Float>.allocate(capacity: 1)  // [rows, vocab]

    private var all: [UnsafeMutablePointer<Float>] {
        [hidden, normed, query, key, value, attention, projected, gate, up, logitInput, logits]
    }

    deinit { all.forEach { $0.deallocate() } }

    /// Makes room for `tokens` activation rows and `logitRows` rows of logits.
    func reserve(tokens: Int, logitRows: Int, hp: ModelHyperparameters) {
        if tokens > tokenCapacity {
            let n = max(tokens, tokenCapacity * 2)
            let qDim = hp.headCount * hp.headDimension, kvDim = hp.kvHeadCount * hp.headDimension
            for p in [hidden, normed, query, key, value, attention, projected, gate, up] { p.deallocate() }
            hidden = .allocate(capacity: n * hp.embeddingLength)
            normed = .allocate(capacity: n * hp.embeddingLength)
            query = .allocate(capacity: n * qDim)
            key = .allocate(capacity: n * kvDim)
            value = .allocate(capacity: n * kvDim)
            attention = .allocate(capacity: n * qDim)
            projected = .allocate(capacity: n * hp.embeddingLength)
            gate = .allocate(capacity: n * hp.feedForwardLength)
            up = .allocate(capacity: n * hp.feedForwardLength)
            tokenCapacity = n
        }
        if logitRows > logitRowCapacity {
            logitInput.deallocate()
            logits.deallocate()
            logitInput = .allocate(capacity: logitRows * hp.embeddingLength)
            logits = .allocate(capacity: logitRows * hp.vocabularySize)
            logitRowCapacity = logitRows
        }
    }
}
