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
    let scratch = ForwardScratch()
    /// The engine's paged cache, for sequences whose cache is `.paged`.
    let pool: KVBlockPool?
    private let ropeGlobal: RopeParameters
    private let ropeLocal: RopeParameters

    init(weights: TransformerWeights, backend: any ComputeBackend, pool: KVBlockPool? = nil) {
        self.weights = weights
        self.backend = backend
        self.pool = pool
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
        // llama.cpp's theta_scale = powf(base, -2 / n_dims), computed in float.
        let thetaScale = { (base: Float) in Foundation.powf(base, -2 / Float(hp.ropeDimension)) }
        ropeGlobal = RopeParameters(
            headDimension: hp.headDimension, ropeDimension: hp.ropeDimension, neox: neox,
            inverseFrequencies: frequencies(base: hp.ropeBase, scale: hp.ropeScale, factors: weights.ropeFrequencyFactors),
            thetaScale: thetaScale(hp.ropeBase), frequencyScale: 1 / hp.ropeScale,
            frequencyFactors: weights.ropeFrequencyFactors)
        ropeLocal = RopeParameters(
            headDimension: hp.headDimension, ropeDimension: hp.ropeDimension, neox: neox,
            inverseFrequencies: frequencies(base: hp.ropeBaseLocal, scale: 1, factors: nil),
            thetaScale: thetaScale(hp.ropeBaseLocal), frequencyScale: 1, frequencyFactors: nil)
    }

    /// Runs `steps` through the model, appending their tokens to their cache slots, and returns, for each step that
    /// wants them, the logits after its last token (in step order; `nil` for the others).
    /// Checks every token id and slot capacity first, so a bad request changes nothing.
    func forward(_ steps: [SequenceStep]) throws(EngineError) -> [[Float]?] {
        for step in steps {
            guard step.slot.length + step.tokens.count <= step.slot.capacity else {
                throw EngineError(
                    .contextFull,
                    "\(step.slot.length) cached + \(step.tokens.count) new tokens exceed the slot's \(step.slot.capacity)")
            }
        }
        let sequences = steps.map {
            ForwardSequence(tokens: $0.tokens, position: $0.slot.length, cache: .contiguous($0.slot), wantsLogits: $0.wantsLogits)
        }
        var results = [[Float]?](repeating: nil, count: steps.count)
        try forward(sequences) { index, logits in results[index] = Array(logits) }
        for step in steps { step.slot.length += step.tokens.count }
        return results
    }

    /// Runs `sequences` through the model, writing their keys and values at their positions, and calls `logits` with
    /// the logits after the last token of each sequence that wants them (index into `sequences`; the buffer is only
    /// valid during the call). Everything is checked first, so a bad batch changes nothing.
    func forward(
        _ sequences: [ForwardSequence], logits: (Int, UnsafeBufferPointer<Float>) -> Void
    ) throws(EngineError) {
        let hp = self.hp
        var totalTokens = 0
        var pagedCount = 0
        for sequence in sequences {
            guard !sequence.tokens.isEmpty else { throw EngineError(.invalidRequest, "a sequence step has no tokens") }
            for token in sequence.tokens where token < 0 || Int(token) >= hp.vocabularySize {
                throw EngineError(.invalidRequest, "token id \(token) is outside the vocabulary of \(hp.vocabularySize)")
            }
            let end = sequence.position + sequence.tokens.count
            switch sequence.cache {
            case .contiguous(let slot):
                guard sequence.position >= 0, end <= slot.capacity else {
                    throw EngineError(.contextFull, "positions up to \(end) exceed the slot's \(slot.capacity)")
                }
            case .paged(let blocks):
                pagedCount += 1
                guard let pool else { throw EngineError(.invalidRequest, "no block pool for a paged sequence") }
                guard sequence.position >= 0, end <= blocks.count * pool.blockSize else {
                    throw EngineError(.contextFull, "positions up to \(end) exceed the sequence's \(blocks.count) blocks")
                }
                for block in blocks where block < 0 || Int(block) >= pool.blockCount {
                    throw EngineError(.invalidRequest, "block \(block) is outside the pool")
                }
            }
            totalTokens += sequence.tokens.count
        }
        guard totalTokens > 0 else { return }
        guard pagedCount == 0 || pagedCount == sequences.count else {
            throw EngineError(.invalidRequest, "a batch mixes paged and contiguous caches")
        }
        let logitRows = sequences.filter(\.wantsLogits).count
        scratch.reserve(tokens: totalTokens, logitRows: logitRows, hp: hp)

        // Row r of the activations is token `i` of sequence `rowSequence[r]`, at position `positions[r]`.
        var positions = [Int32](repeating: 0, count: totalTokens)
        var rowSequence = [Int](repeating: 0, count: totalTokens)
        var row = 0
        let dim = hp.embeddingLength
        let embeddingScale: Float = hp.architecture == .gemma3 ? Float(dim).squareRoot() : 1
        for (s, sequence) in sequences.enumerated() {
            for (i, token) in sequence.tokens.enumerated() {
                positions[row] = Int32(sequence.position + i)
                rowSequence[row] = s
                backend.embeddingRow(
                    weights.tokenEmbedding, row: Int(token), scale: embeddingScale, into: scratch.hidden + row * dim)
                row += 1
            }
        }
        // All block tables in one buffer that stays put for the whole pass (the attention rows point into it).
        var tables: [Int32] = []
        var tableOffsets: [Int] = []
        for sequence in sequences {
            tableOffsets.append(tables.count)
            if case .paged(let blocks) = sequence.cache { tables.append(contentsOf: blocks) }
        }
        if tables.isEmpty { tables.append(0) }
        let rows = RowLayout(positions: positions, sequenceOfRow: rowSequence)
        tables.withUnsafeBufferPointer { tableBuffer in
            let caches = sequences.enumerated().map { (s, sequence) -> RowCache in
                switch sequence.cache {
                case .contiguous(let slot): return .contiguous(slot)
                case .paged: return .paged(tableBuffer.baseAddress! + tableOffsets[s])
                }
            }
            for layer in 0..<hp.layerCount {
                runLayer(layer, tokens: totalTokens, rows: rows, caches: caches)
            }
        }
        computeLogits(sequences: sequences, deliver: logits)
    }

    private func runLayer(_ index: Int, tokens: Int, rows: RowLayout, caches: [RowCache]) {
        let positions = rows.positions
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
        withBiases([w.queryBias, w.keyBias, w.valueBias]) { biases in
            backend.matmul(
                [MatmulProduct(weight: w.query, output: s.query, outputStride: qDim, bias: biases[0]),
                 MatmulProduct(weight: w.key, output: s.key, outputStride: kvDim, bias: biases[1]),
                 MatmulProduct(weight: w.value, output: s.value, outputStride: kvDim, bias: biases[2])],
                input: s.normed, inputStride: dim, tokens: tokens)
        }
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
        if scalesQueries {
            let scale = hp.attentionScale
            for i in 0..<(tokens * qDim) { s.query[i] *= scale }
        }
        storeAndAttend(layer: index, tokens: tokens, rows: rows, caches: caches, isLocal: isLocal)
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
        backend.matmul(
            [MatmulProduct(weight: w.gate, output: s.gate, outputStride: ff, bias: nil),
             MatmulProduct(weight: w.up, output: s.up, outputStride: ff, bias: nil)],
            input: s.normed, inputStride: dim, tokens: tokens)
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

    /// Gemma scales its queries before attention (llama.cpp does too, in float, before rounding them to fp16 for the
    /// dot products); the other architectures scale the scores. The two differ where queries are tiny (fp16
    /// subnormals), which this model amplifies into visibly different log-probabilities.
    var scalesQueries: Bool { hp.architecture == .gemma3 }

    private func computeLogits(sequences: [ForwardSequence], deliver: (Int, UnsafeBufferPointer<Float>) -> Void) {
        let hp = self.hp
        let dim = hp.embeddingLength, vocab = hp.vocabularySize
        let s = scratch
        var lastRows: [Int] = []
        var owners: [Int] = []
        var row = 0
        for (index, sequence) in sequences.enumerated() {
            row += sequence.tokens.count
            if sequence.wantsLogits {
                lastRows.append(row - 1)
                owners.append(index)
            }
        }
        for (i, r) in lastRows.enumerated() {
            (s.logitInput + i * dim).update(from: s.hidden + r * dim, count: dim)
        }
        let rows = lastRows.count
        guard rows > 0 else { return }
        weights.outputNorm.withUnsafeBufferPointer {
            backend.rmsNorm(s.logitInput, output: s.logitInput, weight: $0.baseAddress!, rows: rows, dimension: dim,
                            epsilon: hp.rmsEpsilon)
        }
        matmul(weights.output, s.logitInput, dim, rows, s.logits, vocab, nil)
        if hp.finalLogitSoftcap > 0 {
            let cap = hp.finalLogitSoftcap
            for i in 0..<(rows * vocab) { s.logits[i] = cap * Foundation.tanh(s.logits[i] / cap) }
        }
        for (i, owner) in owners.enumerated() {
            deliver(owner, UnsafeBufferPointer(start: s.logits + i * vocab, count: vocab))
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

    /// Calls `body` with pointers to the optional bias vectors, valid for the call.
    private func withBiases<R>(_ biases: [[Float]?], _ body: ([UnsafePointer<Float>?]) -> R) -> R {
        var pointers: [UnsafePointer<Float>?] = []
        func next(_ index: Int) -> R {
            guard index < biases.count else { return body(pointers) }
            guard let bias = biases[index] else {
                pointers.append(nil)
                return next(index + 1)
            }
            return bias.withUnsafeBufferPointer { buffer in
                pointers.append(buffer.baseAddress)
                return next(index + 1)
            }
        }
        return next(0)
    }

    private func addInPlace(_ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, _ count: Int) {
        for i in 0..<count { target[i] += source[i] }
    }
}
