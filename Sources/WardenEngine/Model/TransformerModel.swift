import CWardenKernels
import Foundation

/// The forward pass shared by gemma3, llama and qwen2, over a batch of sequences at different positions.
///
/// Reads top to bottom like the papers: embed, then per layer norm → q/k/v → (QK-norm) → RoPE → cache → attention →
/// output projection → (post-norm) → residual, then norm → gated feed-forward → (post-norm) → residual; finally the
/// output norm and projection for the rows that want logits. Every operation goes through `backend`.
/// Not thread-safe: one forward pass at a time (the engine's compute thread).
final class TransformerModel: @unchecked Sendable {
    let weights: TransformerWeights
    let backend: any ComputeBackend
    var hp: ModelHyperparameters { weights.hyperparameters }
    private let scratch = ForwardScratch()
    private let ropeGlobal: RopeParameters
    private let ropeLocal: RopeParameters

    init(weights: TransformerWeights, backend: any ComputeBackend) {
        self.weights = weights
        self.backend = backend
        let hp = weights.hyperparameters
        func frequencies(base: Float, scale: Float, factors: [Float]?) -> [Float] {
            (0..<(hp.ropeDimension / 2)).map { i in
                let exponent = Double(2 * i) / Double(hp.ropeDimension)
                var f = 1 / Foundation.pow(Double(base), exponent) / Double(scale)
                if let factors { f /= Double(factors[i]) }
                return Float(f)
            }
        }
        let neox = hp.architecture.usesNeoxRope
        ropeGlobal = RopeParameters(
            headDimension: hp.headDimension, ropeDimension: hp.ropeDimension, neox: neox,
            inverseFrequencies: frequencies(base: hp.ropeBase, scale: hp.ropeScale, factors: weights.ropeFrequencyFactors))
        ropeLocal = RopeParameters(
            headDimension: hp.headDimension, ropeDimension: hp.ropeDimension, neox: neox,
            inverseFrequencies: frequencies(base: hp.ropeBaseLocal, scale: 1, factors: nil))
    }

    /// Runs `steps` through the model, appending their tokens to their cache slots, and returns, for each step that
    /// wants them, the logits after its last token (in step order; `nil` for the others).
    /// Checks every token id and slot capacity first, so a bad request changes nothing.
    func forward(_ steps: [SequenceStep]) throws(EngineError) -> [[Float]?] {
        let hp = self.hp
        var totalTokens = 0
        for step in steps {
            guard !step.tokens.isEmpty else { throw EngineError(.invalidRequest, "a sequence step has no tokens") }
            guard step.slot.length + step.tokens.count <= step.slot.capacity else {
                throw EngineError(
                    .contextFull,
                    "\(step.slot.length) cached + \(step.tokens.count) new tokens exceed the slot's \(step.slot.capacity)")
            }
            for token in step.tokens where token < 0 || Int(token) >= hp.vocabularySize {
                throw EngineError(.invalidRequest, "token id \(token) is outside the vocabulary of \(hp.vocabularySize)")
            }
            totalTokens += step.tokens.count
        }
        guard totalTokens > 0 else { return [] }
        let logitRows = steps.filter(\.wantsLogits).count
        scratch.reserve(tokens: totalTokens, logitRows: logitRows, hp: hp)

        // Row r of the activations is token `tokenIndex` of step `rowStep[r]`, at position `positions[r]`.
        var positions = [Int32](repeating: 0, count: totalTokens)
        var rowStep = [Int](repeating: 0, count: totalTokens)
        var row = 0
        let dim = hp.embeddingLength
        let embeddingScale: Float = hp.architecture == .gemma3 ? Float(dim).squareRoot() : 1
        for (s, step) in steps.enumerated() {
            for (i, token) in step.tokens.enumerated() {
                positions[row] = Int32(step.slot.length + i)
                rowStep[row] = s
                backend.embeddingRow(
                    weights.tokenEmbedding, row: Int(token), scale: embeddingScale, into: scratch.hidden + row * dim)
                row += 1
            }
        }
        for layer in 0..<hp.layerCount {
            runLayer(layer, steps: steps, tokens: totalTokens, positions: positions, rowStep: rowStep)
        }
        for step in steps { step.slot.length += step.tokens.count }
        return computeLogits(steps: steps)
    }

    private func runLayer(_ index: Int, steps: [SequenceStep], tokens: Int, positions: [Int32], rowStep: [Int]) {
        let hp = self.hp
        let w = weights.layers[index]
        let dim = hp.embeddingLength
        let hd = hp.headDimension
        let qDim = hp.headCount * hd, kvDim = hp.kvHeadCount * hd
        let s = scratch
        let isLocal = hp.isSlidingWindowLayer(index)

        w.attentionNorm.withUnsafeBufferPointer {
            backend.rmsNorm(s.hidden, output: s.normed, weight: $0.baseAddress!, rows: tokens, dimension: dim,
                            epsilon: hp.rmsEpsilon)
        }
        matmul(w.query, s.normed, dim, tokens, s.query, qDim, w.queryBias)
        matmul(w.key, s.normed, dim, tokens, s.key, kvDim, w.keyBias)
        matmul(w.value, s.normed, dim, tokens, s.value, kvDim, w.valueBias)
        if let qn = w.queryNorm, let kn = w.keyNorm {
            qn.withUnsafeBufferPointer {
                backend.rmsNorm(s.query, output: s.query, weight: $0.baseAddress!, rows: tokens * hp.headCount,
                                dimension: hd, epsilon: hp.rmsEpsilon)
            }
            kn.withUnsafeBufferPointer {
                backend.rmsNorm(s.key, output: s.key, weight: $0.baseAddress!, rows: tokens * hp.kvHeadCount,
                                dimension: hd, epsilon: hp.rmsEpsilon)
            }
        }
        let rope = isLocal ? ropeLocal : ropeGlobal
        positions.withUnsafeBufferPointer { p in
            backend.rope(s.query, tokens: tokens, rowStride: qDim, heads: hp.headCount, positions: p.baseAddress!,
                         parameters: rope)
            backend.rope(s.key, tokens: tokens, rowStride: kvDim, heads: hp.kvHeadCount, positions: p.baseAddress!,
                         parameters: rope)
        }
        // Store this pass's keys and values, then let each row attend over its own sequence's cache.
        var attentionRows: [AttentionRow] = []
        attentionRows.reserveCapacity(tokens)
        for r in 0..<tokens {
            let slot = steps[rowStep[r]].slot
            let position = Int(positions[r])
            let keys = slot.keyRows(layer: index), values = slot.valueRows(layer: index)
            wk_f32_to_f16(s.key + r * kvDim, keys + position * kvDim, Int64(kvDim))
            wk_f32_to_f16(s.value + r * kvDim, values + position * kvDim, Int64(kvDim))
            let first = isLocal ? max(0, position - hp.slidingWindow + 1) : 0
            attentionRows.append(AttentionRow(keys: keys, values: values, first: first, count: position - first + 1))
        }
        let shape = AttentionShape(
            heads: hp.headCount, kvHeads: hp.kvHeadCount, headDimension: hd, kvStride: kvDim,
            scale: hp.attentionScale, softcap: hp.attentionLogitSoftcap)
        backend.attention(queries: s.query, rows: attentionRows, shape: shape, output: s.attention)
        matmul(w.output, s.attention, qDim, tokens, s.projected, dim, nil)
        if let post = w.postAttentionNorm {
            post.withUnsafeBufferPointer {
                backend.rmsNorm(s.projected, output: s.projected, weight: $0.baseAddress!, rows: tokens,
                                dimension: dim, epsilon: hp.rmsEpsilon)
            }
        }
        addInPlace(s.hidden, s.projected, tokens * dim)

        w.feedForwardNorm.withUnsafeBufferPointer {
            backend.rmsNorm(s.hidden, output: s.normed, weight: $0.baseAddress!, rows: tokens, dimension: dim,
                            epsilon: hp.rmsEpsilon)
        }
        let ff = hp.feedForwardLength
        matmul(w.gate, s.normed, dim, tokens, s.gate, ff, nil)
        matmul(w.up, s.normed, dim, tokens, s.up, ff, nil)
        backend.gatedActivation(
            hp.architecture == .gemma3 ? .gelu : .silu, gate: s.gate, up: s.up, output: s.gate, tokens: tokens,
            count: ff, rowStride: ff)
        matmul(w.down, s.gate, ff, tokens, s.projected, dim, nil)
        if let post = w.postFeedForwardNorm {
            post.withUnsafeBufferPointer {
                backend.rmsNorm(s.projected, output: s.projected, weight: $0.baseAddress!, rows: tokens,
                                dimension: dim, epsilon: hp.rmsEpsilon)
            }
        }
        addInPlace(s.hidden, s.projected, tokens * dim)
    }

    private func computeLogits(steps: [SequenceStep]) -> [[Float]?] {
        let hp = self.hp
        let dim = hp.embeddingLength, vocab = hp.vocabularySize
        let s = scratch
        var lastRows: [Int] = []
        var row = 0
        for step in steps {
            row += step.tokens.count
            if step.wantsLogits { lastRows.append(row - 1) }
        }
        for (i, r) in lastRows.enumerated() {
            (s.logitInput + i * dim).update(from: s.hidden + r * dim, count: dim)
        }
        let rows = lastRows.count
        guard rows > 0 else { return steps.map { _ in nil } }
        weights.outputNorm.withUnsafeBufferPointer {
            backend.rmsNorm(s.logitInput, output: s.logitInput, weight: $0.baseAddress!, rows: rows, dimension: dim,
                            epsilon: hp.rmsEpsilon)
        }
        matmul(weights.output, s.logitInput, dim, rows, s.logits, vocab, nil)
        if hp.finalLogitSoftcap > 0 {
            let cap = hp.finalLogitSoftcap
            for i in 0..<(rows * vocab) { s.logits[i] = cap * Foundation.tanh(s.logits[i] / cap) }
        }
        var next = 0
        return steps.map { step in
            guard step.wantsLogits else { return nil }
            defer { next += 1 }
            return Array(UnsafeBufferPointer(start: s.logits + next * vocab, count: vocab))
        }
    }

    private func matmul(
        _ weight: WeightMatrix, _ input: UnsafeMutablePointer<Float>, _ inputStride: Int, _ tokens: Int,
        _ output: UnsafeMutablePointer<Float>, _ outputStride: Int, _ bias: [Float]?
    ) {
        if let bias {
            bias.withUnsafeBufferPointer {
                backend.matmul(weight, input: input, inputStride: inputStride, tokens: tokens, output: output,
                               outputStride: outputStride, bias: $0.baseAddress)
            }
        } else {
            backend.matmul(weight, input: input, inputStride: inputStride, tokens: tokens, output: output,
                           outputStride: outputStride, bias: nil)
        }
    }

    private func addInPlace(_ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, _ count: Int) {
        for i in 0..<count { target[i] += source[i] }
    }
}
