/// The prompt formats Warden can render, one per model family.
public enum ChatTemplateFamily: String, Sendable, CaseIterable {
    /// Gemma: `<start_of_turn>user\n…<end_of_turn>\n<start_of_turn>model\n`; no system role (a system message is
    /// prepended to the first user turn).
    case gemma
    /// ChatML (Qwen2): `<|im_start|>user\n…<|im_end|>\n<|im_start|>assistant\n`.
    case chatML
    /// Llama 3: `<|start_header_id|>user<|end_header_id|>\n\n…<|eot_id|>`.
    case llama3
    /// DeepSeek-R1 distills and DeepSeek-V3: `<｜User｜>…<｜Assistant｜>…<｜end▁of▁sentence｜>`.
    case deepseek
    /// DeepSeek-LLM chat: `User: …\n\nAssistant: …<｜end▁of▁sentence｜>`.
    case deepseekLLM

    /// The texts of the tokens that end an assistant turn in this format.
    public var endOfTurnTexts: [String] {
        switch self {
        case .gemma: ["<end_of_turn>"]
        case .chatML: ["<|im_end|>"]
        case .llama3: ["<|eot_id|>", "<|eom_id|>"]
        case .deepseek, .deepseekLLM: ["<｜end▁of▁sentence｜>"]
        }
    }

    /// The order in which families are tried: DeepSeek-R1-Distill-Qwen vocabularies also hold ChatML's tokens, so
    /// the more specific families come first.
    static let detectionOrder: [ChatTemplateFamily] = [.deepseek, .deepseekLLM, .llama3, .chatML, .gemma]

    /// Markers that identify the family in a Jinja `tokenizer.chat_template`, checked in `detectionOrder`; every
    /// marker of a family must be present.
    var templateMarkers: [String] {
        switch self {
        case .deepseek: ["<｜User｜>", "<｜Assistant｜>"]
        case .deepseekLLM: ["'Assistant: ' + message['content'] + eos_token"]
        case .llama3: ["<|start_header_id|>", "<|end_header_id|>"]
        case .chatML: ["<|im_start|>", "<|im_end|>"]
        case .gemma: ["<start_of_turn>", "<end_of_turn>"]
        }
    }

    /// Control tokens that identify the family in a vocabulary (used only when the file has no template).
    var vocabularyMarkers: [String] {
        switch self {
        case .deepseek: ["<｜User｜>", "<｜Assistant｜>"]
        case .deepseekLLM: []  // plain-text markers: cannot be told from the vocabulary
        case .llama3: ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]
        case .chatML: ["<|im_start|>", "<|im_end|>"]
        case .gemma: ["<start_of_turn>", "<end_of_turn>"]
        }
    }
}
