/// The weights of one transformer block. Optional members exist only in some architectures.
struct LayerWeights: Sendable {
    var attentionNorm: [Float]
    var query: WeightMatrix
    var key: WeightMatrix
    var value: WeightMatrix
    var output: WeightMatrix
    var queryBias: [Float]?
    var keyBias: [Float]?
    var valueBias: [Float]?
    /// Gemma 3's per-head RMS norms of queries and keys.
    var queryNorm: [Float]?
    var keyNorm: [Float]?
    /// Gemma 3's norms applied to the attention and feed-forward outputs before the residual add.
    var postAttentionNorm: [Float]?
    var postFeedForwardNorm: [Float]?
    var feedForwardNorm: [Float]
    var gate: WeightMatrix
    var up: WeightMatrix
    var down: WeightMatrix
}
