/// The operations a forward pass needs, so that model code never depends on where or how they run.
///
/// The CPU backend runs them with the AVX2 kernels on a worker pool. A GPU backend implements the same protocol: every
/// matrix product is already batched over all sequences of a step (`tokens` rows), and attention reads the engine's
/// paged key/value cache through block tables (`pagedAttention`), so a device backend would keep the weights and the
/// block pool resident and move only activations and block tables per call. Sampling deliberately stays on the host
/// (`TokenSampler`, per request, seeded): it needs each sequence's own parameters, penalties and random state, and
/// costs little next to the forward pass; a device backend only has to hand back the logit rows.
/// Calls come from one thread at a time (the engine's compute thread), so implementations need no locking of their own.
public protocol ComputeBackend: AnyObject, Sendable {
    /// A short human-readable name, e.g. `cpu-avx2 (2 threads)`.
    var name: String { get }

    /// `output[t][r] = dot(weight row r, input[t]) + bias[r]` for `tokens` rows of activations.
    func matmul(
        _ weight: WeightMatrix, input: UnsafePointer<Float>, inputStride: Int, tokens: Int,
        output: UnsafeMutablePointer<Float>, outputStride: Int, bias: UnsafePointer<Float>?)

    /// Several products of the same input (a layer's query, key and value; its gate and up projections), each as
    /// `matmul` computes it. One call lets a backend prepare the input once and run them together; the default runs
    /// them one by one.
    func matmul(_ products: [MatmulProduct], input: UnsafePointer<Float>, inputStride: Int, tokens: Int)

    /// Writes row `row` of `table` (an embedding) as floats, times `scale`.
    func embeddingRow(_ table: WeightMatrix, row: Int, scale: Float, into output: UnsafeMutablePointer<Float>)

    /// RMS normalisation of `rows` rows of `dimension` values, from `input` into `output` (which may be the same).
    func rmsNorm(
        _ input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, rows: Int,
        dimension: Int, epsilon: Float)

    /// Rotary embedding in place; see `RopeParameters`.
    func rope(
        _ values: UnsafeMutablePointer<Float>, tokens: Int, rowStride: Int, heads: Int, positions: UnsafePointer<Int32>,
        parameters: RopeParameters)

    /// `output = activation(gate) * up`, element-wise over `tokens` rows of `count` values.
    func gatedActivation(
        _ activation: GatedActivation, gate: UnsafePointer<Float>, up: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, tokens: Int, count: Int, rowStride: Int)

    /// Causal grouped-query attention of `queries` (one row per token) over the key/value rows each token sees.
    func attention(
        queries: UnsafePointer<Float>, rows: [AttentionRow], shape: AttentionShape,
        output: UnsafeMutablePointer<Float>)

    /// The same attention over one layer of the paged cache: each row reads its sequence's positions through its
    /// block table. Must give exactly `attention`'s results for the same cached values (the engine relies on a
    /// sequence's tokens not depending on where its cache lives or what else is in the batch).
    func pagedAttention(
        queries: UnsafePointer<Float>, rows: [PagedAttentionRow], cache: PagedCacheLayer, shape: AttentionShape,
        output: UnsafeMutablePointer<Float>)
}

/// One product of `ComputeBackend.matmul(_:input:inputStride:tokens:)`: a weight matrix and where its results go.
public struct MatmulProduct: @unchecked Sendable {
    public var weight: WeightMatrix
    public var output: UnsafeMutablePointer<Float>
    public var outputStride: Int
    public var bias: UnsafePointer<Float>?

    public init(weight: WeightMatrix, output: UnsafeMutablePointer<Float>, outputStride: Int, bias: UnsafePointer<Float>?) {
        self.weight = weight
        self.output = output
        self.outputStride = outputStride
        self.bias = bias
    }
}

extension ComputeBackend {
    public func matmul(_ products: [MatmulProduct], input: UnsafePointer<Float>, inputStride: Int, tokens: Int) {
        matmulEach(products, input: input, inputStride: inputStride, tokens: tokens)
    }

    /// The products one by one, each through `matmul(_:input:inputStride:tokens:output:outputStride:bias:)`.
    public func matmulEach(_ products: [MatmulProduct], input: UnsafePointer<Float>, inputStride: Int, tokens: Int) {
        for product in products {
            matmul(product.weight, input: input, inputStride: inputStride, tokens: tokens, output: product.output,
                   outputStride: product.outputStride, bias: product.bias)
        }
    }
}

/// One query token's view of its sequence's paged cache: positions `first ..< first + count`, position p in block
/// `blocks[p / blockSize]`.
public struct PagedAttentionRow: @unchecked Sendable {
    public var blocks: UnsafePointer<Int32>
    public var first: Int
    public var count: Int
}

/// Where one layer of the block pool lives: block b's keys start at `keys + b * blockStride`, its positions
/// `AttentionShape.kvStride` values apart.
public struct PagedCacheLayer: @unchecked Sendable {
    public var keys: UnsafePointer<UInt16>
    public var values: UnsafePointer<UInt16>
    public var blockStride: Int
    public var blockSize: Int
}

/// The activation applied to the gate half of a gated feed-forward layer.
public enum GatedActivation: Sendable {
    /// SwiGLU (llama, qwen2).
    case silu
    /// GeGLU with the tanh approximation (gemma).
    case gelu
}

/// How to rotate one layer's queries or keys.
public struct RopeParameters: Sendable {
    public var headDimension: Int
    public var ropeDimension: Int
    public var neox: Bool
    /// Angle per position of each rotated pair (`ropeDimension / 2` values).
    public var inverseFrequencies: [Float]
    /// The same angles as llama.cpp computes them, which the CPU kernel follows so that results match it bit for
    /// bit: theta_0 = position, theta_{i+1} = theta_i * thetaScale (float), angle_i = frequencyScale * theta_i /
    /// frequencyFactors[i]. Mathematically equal to `position * inverseFrequencies[i]`.
    public var thetaScale: Float
    public var frequencyScale: Float
    public var frequencyFactors: [Float]?
}

/// One query token's view of a sequence's key/value cache (fp16) for one layer: rows `first ..< first + count`.
public struct AttentionRow: @unchecked Sendable {
    public var keys: UnsafePointer<UInt16>
    public var values: UnsafePointer<UInt16>
    public var first: Int
    public var count: Int
}

/// The head layout and scaling of one attention call.
public struct AttentionShape: Sendable {
    public var heads: Int
    public var kvHeads: Int
    public var headDimension: Int
    /// Floats from one cached position to the next (`kvHeads * headDimension`).
    public var kvStride: Int
    public var scale: Float
    /// Attention logit soft-capping, 0 for none.
    public var softcap: Float
}
