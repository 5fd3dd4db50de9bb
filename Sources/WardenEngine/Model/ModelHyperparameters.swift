/// The shape and numeric constants of a model, read from its GGUF metadata (`<arch>.*` keys).
public struct ModelHyperparameters: Sendable, Equatable {
    public var architecture: ModelArchitecture
    public var vocabularySize: Int
    public var contextLength: Int
    public var embeddingLength: Int
    public var layerCount: Int
    public var feedForwardLength: Int
    public var headCount: Int
    public var kvHeadCount: Int
    public var headDimension: Int
    public var ropeDimension: Int
    public var rmsEpsilon: Float
    /// RoPE base of the global (or only) layers.
    public var ropeBase: Float
    /// RoPE base of Gemma 3's sliding-window layers.
    public var ropeBaseLocal: Float
    /// Linear RoPE scaling factor of the global layers (1 = none).
    public var ropeScale: Float
    /// Sliding-window size of the local layers (0 = every layer is global).
    public var slidingWindow: Int
    /// Every `slidingWindowPattern`-th layer is global, the others local (Gemma 3: 6).
    public var slidingWindowPattern: Int
    /// Multiplier of the query-key product.
    public var attentionScale: Float
    /// Final logit soft-capping (`cap * tanh(logit / cap)`), 0 when the model has none.
    public var finalLogitSoftcap: Float
    /// Attention logit soft-capping, 0 when the model has none.
    public var attentionLogitSoftcap: Float

    /// Whether layer `layer` attends only within the sliding window.
    func isSlidingWindowLayer(_ layer: Int) -> Bool {
        slidingWindow > 0 && slidingWindowPattern > 0 && (layer % slidingWindowPattern) < slidingWindowPattern - 1
    }

    /// Reads and checks the hyperparameters of `file`, whose architecture is `architecture`.
    init(file: GGUFFile, architecture: ModelArchitecture, vocabularySize: Int) throws(EngineError) {
        let metadata = file.metadata
        let prefix = architecture.rawValue
        func integer(_ key: String, default value: Int? = nil) throws(EngineError) -> Int {
            let found: Int?
            do { found = try metadata.integer("\(prefix).\(key)") } catch {
                throw EngineError(.invalidHyperparameters, "\(prefix).\(key): \(error)")
            }
            guard let result = found ?? value else {
                throw EngineError(.invalidHyperparameters, "\(prefix).\(key) is missing")
            }
            guard result >= 0, result <= 1 << 24 else {
                throw EngineError(.invalidHyperparameters, "\(prefix).\(key) = \(result) is out of range")
            }
            return result
        }
        func real(_ key: String, default value: Double? = nil) throws(EngineError) -> Double {
            let found: Double?
            do { found = try metadata.floatingPoint("\(prefix).\(key)") } catch {
                throw EngineError(.invalidHyperparameters, "\(prefix).\(key): \(error)")
            }
            guard let result = found ?? value, result.isFinite else {
                throw EngineError(.invalidHyperparameters, "\(prefix).\(key) is missing or not finite")
            }
            return result
        }
        self.architecture = architecture
        self.vocabularySize = vocabularySize
        contextLength = try integer("context_length")
        embeddingLength = try integer("embedding_length")
        layerCount = try integer("block_count")
        feedForwardLength = try integer("feed_forward_length")
        headCount = try integer("attention.head_count")
        kvHeadCount = try integer("attention.head_count_kv", default: headCount)
        guard embeddingLength > 0, layerCount > 0, feedForwardLength > 0, headCount > 0, kvHeadCount > 0,
            headCount % kvHeadCount == 0, contextLength > 0
        else {
            throw EngineError(.invalidHyperparameters, "sizes are zero or heads do not divide into kv heads")
        }
        headDimension = try integer("attention.key_length", default: embeddingLength / headCount)
        let valueLength = try integer("attention.value_length", default: headDimension)
        guard headDimension > 0, headDimension % 2 == 0, headDimension <= 1024, valueLength == headDimension else {
            throw EngineError(.invalidHyperparameters, "head dimension \(headDimension) is not supported")
        }
        ropeDimension = try integer("rope.dimension_count", default: headDimension)
        guard ropeDimension > 0, ropeDimension <= headDimension, ropeDimension % 2 == 0 else {
            throw EngineError(.invalidHyperparameters, "RoPE dimension \(ropeDimension) is not supported")
        }
        rmsEpsilon = Float(try real("attention.layer_norm_rms_epsilon", default: 1e-6))
        ropeBase = Float(try real("rope.freq_base", default: 10_000))
        let scalingType: String?
        do { scalingType = try metadata.string("\(prefix).rope.scaling.type") } catch {
            throw EngineError(.invalidHyperparameters, "\(prefix).rope.scaling.type: \(error)")
        }
        let factor = try real("rope.scaling.factor", default: 1)
        switch scalingType {
        case nil, "none": ropeScale = 1
        case "linear": ropeScale = Float(factor)
        default:
            throw EngineError(.invalidHyperparameters, "RoPE scaling '\(scalingType ?? "")' is not supported")
        }
        guard ropeScale > 0, ropeBase > 0 else {
            throw EngineError(.invalidHyperparameters, "RoPE base and scale must be positive")
        }
        finalLogitSoftcap = Float(try real("final_logit_softcapping", default: 0))
        attentionLogitSoftcap = Float(try real("attn_logit_softcapping", default: 0))
        switch architecture {
        case .gemma3:
            // llama.cpp's gemma3: local layers use base 10000, five local layers per global one, and the 27B model
            // scales queries by the model width per head rather than the head size.
            ropeBaseLocal = 10_000
            slidingWindow = try integer("attention.sliding_window", default: 0)
            // Some converters write the pattern as a per-layer array; only the integer form is read, else Gemma 3's 6.
            slidingWindowPattern = (try? integer("attention.sliding_window_pattern", default: 6)) ?? 6
            let perHead = layerCount == 62 ? embeddingLength / headCount : headDimension
            attentionScale = 1 / Float(perHead).squareRoot()
        case .llama, .qwen2:
            ropeBaseLocal = ropeBase
            slidingWindow = 0
            slidingWindowPattern = 0
            attentionScale = 1 / Float(headDimension).squareRoot()
        }
    }
}
