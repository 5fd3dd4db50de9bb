/// The tokenization algorithm a model uses, from `tokenizer.ggml.model`.
public enum TokenizerKind: Sendable, Equatable {
    /// SentencePiece-style BPE over characters with scores and `<0xNN>` byte fallback (`llama`: Llama 2, Gemma).
    case sentencePiece
    /// GPT-2 byte-level BPE with ranked merges, after a regex-style pre-tokenizer (`gpt2`: Llama 3, Qwen2, DeepSeek).
    case bytePairEncoding(PreTokenizer)
}

/// How byte-level BPE splits text into words before merging, from `tokenizer.ggml.pre`.
public enum PreTokenizer: String, Sendable, CaseIterable {
    /// Llama 3 (`llama3`, `llama-v3`, `llama-bpe`): letters, numbers in groups of up to three, punctuation runs,
    /// newline runs, whitespace; whole words that are tokens skip merging.
    case llama3
    /// Qwen2 and DeepSeek-R1-Distill-Qwen (`qwen2`, `deepseek-r1-qwen`): as Llama 3 but one digit per word.
    case qwen2
    /// DeepSeek-LLM and DeepSeek-R1-Distill-Llama's base (`deepseek-llm`): newlines, letter runs, punctuation runs,
    /// trailing whitespace, CJK runs and digit runs, split in that order.
    case deepseekLLM

    /// The pre-tokenizer for a `tokenizer.ggml.pre` value, or nil when the engine does not implement it.
    public init?(ggufName: String) {
        switch ggufName {
        case "llama3", "llama-v3", "llama-bpe": self = .llama3
        case "qwen2", "deepseek-r1-qwen": self = .qwen2
        case "deepseek-llm": self = .deepseekLLM
        default: return nil
        }
    }
}
