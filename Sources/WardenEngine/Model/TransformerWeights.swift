/// Every weight of a model, viewed in place in its memory-mapped GGUF file, with shapes checked against the
/// hyperparameters so that the kernels can trust them.
final class TransformerWeights: Sendable {
    let file: GGUFFile
    let hyperparameters: ModelHyperparameters
    let tokenEmbedding: WeightMatrix
    /// The output projection; the token embedding itself when the model ties them.
    let output: WeightMatrix
    let outputNorm: [Float]
    let layers: [LayerWeights]
    /// Per-pair divisors of the RoPE frequencies (llama 3's `rope_freqs.weight`), if the model has them.
    let ropeFrequencyFactors: [Float]?

    init(file: GGUFFile, architecture: ModelArchitecture) throws(EngineError) {
        self.file = file
        let embedding = try Self.matrix(file, "token_embd.weight")
        let hp = try ModelHyperparameters(file: file, architecture: architecture, vocabularySize: embedding.rows)
        self.hyperparameters = hp
        let dim = hp.embeddingLength
        let qDim = hp.headCount * hp.headDimension
        let kvDim = hp.kvHeadCount * hp.headDimension
        guard embedding.columns == dim else {
            throw EngineError(.invalidTensor, "token_embd.weight has \(embedding.columns) columns, expected \(dim)")
        }
        tokenEmbedding = embedding
        if file.hasTensor(named: "output.weight") {
            output = try Self.matrix(file, "output.weight", rows: embedding.rows, columns: dim)
        } else {
            output = embedding
        }
        outputNorm = try Self.vector(file, "output_norm.weight", count: dim)
        if file.hasTensor(named: "rope_freqs.weight") {
            ropeFrequencyFactors = try Self.vector(file, "rope_freqs.weight", count: hp.ropeDimension / 2)
        } else {
            ropeFrequencyFactors = nil
        }
        var layers: [LayerWeights] = []
        for index in 0..<hp.layerCount {
            let p = "blk.\(index)."
            let isGemma = architecture == .gemma3
            let hasBias = architecture == .qwen2
            layers.append(
                LayerWeights(
                    attentionNorm: try Self.vector(file, p + "attn_norm.weight", count: dim),
                    query: try Self.matrix(file, p + "attn_q.weight", rows: qDim, columns: dim),
                    key: try Self.matrix(file, p + "attn_k.weight", rows: kvDim, columns: dim),
                    value: try Self.matrix(file, p + "attn_v.weight", rows: kvDim, columns: dim),
                    output: try Self.matrix(file, p + "attn_output.weight", rows: dim, columns: qDim),
                    queryBias: hasBias ? try Self.vector(file, p + "attn_q.bias", count: qDim) : nil,
                    keyBias: hasBias ? try Self.vector(file, p + "attn_k.bias", count: kvDim) : nil,
                    valueBias: hasBias ? try Self.vector(file, p + "attn_v.bias", count: kvDim) : nil,
                    queryNorm: isGemma ? try Self.vector(file, p + "attn_q_norm.weight", count: hp.headDimension) : nil,
                    keyNorm: isGemma ? try Self.vector(file, p + "attn_k_norm.weight", count: hp.headDimension) : nil,
                    postAttentionNorm: isGemma ? try Self.vector(file, p + "post_attention_norm.weight", count: dim) : nil,
                    postFeedForwardNorm: isGemma ? try Self.vector(file, p + "post_ffw_norm.weight", count: dim) : nil,
                    feedForwardNorm: try Self.vector(file, p + "ffn_norm.weight", count: dim),
                    gate: try Self.matrix(file, p + "ffn_gate.weight", rows: hp.feedForwardLength, columns: dim),
                    up: try Self.matrix(file, p + "ffn_up.weight", rows: hp.feedForwardLength, columns: dim),
                    down: try Self.matrix(file, p + "ffn_down.weight", rows: dim, columns: hp.feedForwardLength)
                ))
        }
        self.layers = layers
    }

    /// Bytes of weights one decoding step reads: every layer matrix plus one embedding row and the output projection.
    var bytesReadPerToken: Int {
        var total = output.byteCount + tokenEmbedding.rowByteCount
        for layer in layers {
            for matrix in [layer.query, layer.key, layer.value, layer.output, layer.gate, layer.up, layer.down] {
                total += matrix.byteCount
            }
        }
        return total
    }

    private static func info(_ file: GGUFFile, _ name: String) throws(EngineError) -> GGUFTensorInfo {
        do { return try file.tensor(named: name) } catch {
            throw EngineError(.invalidTensor, "the model has no tensor \(name)")
        }
    }

    private static func matrix(_ file: GGUFFile, _ name: String) throws(EngineError) -> WeightMatrix {
        try WeightMatrix(file: file, info: info(file, name))
    }

    private static func matrix(_ file: GGUFFile, _ name: String, rows: Int, columns: Int) throws(EngineError)
        -> WeightMatrix
    {
        let matrix = try matrix(file, name)
        guard matrix.rows == rows, matrix.columns == columns else {
            throw EngineError(
                .invalidTensor, "\(name) is \(matrix.rows)×\(matrix.columns), expected \(rows)×\(columns)")
        }
        return matrix
    }

    private static func vector(_ file: GGUFFile, _ name: String, count: Int) throws(EngineError) -> [Float] {
        let tensor = try info(file, name)
        guard tensor.elementCount == count else {
            throw EngineError(.invalidTensor, "\(name) has \(tensor.elementCount) values, expected \(count)")
        }
        let values = try WeightMatrix(file: file, info: tensor).dequantizedValues()
        guard values.allSatisfy(\.isFinite) else {
            throw EngineError(.invalidTensor, "\(name) holds values that are not finite")
        }
        return values
    }
}
