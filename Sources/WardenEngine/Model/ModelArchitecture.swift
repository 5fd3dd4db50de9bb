/// The transformer families the engine implements, by their GGUF `general.architecture` name.
public enum ModelArchitecture: String, Sendable, CaseIterable {
    /// Gemma 3: sliding-window and global layers, QK-norm, GeGLU, pre- and post-norms, scaled embeddings.
    case gemma3
    /// Llama 2/3 and DeepSeek-LLM / R1-Distill-Llama: SwiGLU, interleaved-pair RoPE.
    case llama
    /// Qwen 2 and DeepSeek-R1-Distill-Qwen: like llama with q/k/v biases and half-split (NeoX) RoPE.
    case qwen2

    /// Whether RoPE rotates value i with value i + d/2 (NeoX) rather than 2i with 2i + 1.
    var usesNeoxRope: Bool { self != .llama }
}
