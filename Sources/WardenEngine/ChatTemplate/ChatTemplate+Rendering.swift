/// Rendering a conversation in each family's format, following the models' published templates (and llama.cpp's
/// built-in versions of them). BOS is never written here: the tokenizer adds it as the model's metadata asks.
extension ChatTemplate {
    /// Renders `messages` as this family's prompt.
    /// - Parameter addGenerationPrompt: end with the opening of an assistant turn, so the model answers next.
    /// - Throws: `invalidConversation` when the messages cannot be expressed in this format (no messages; for
    ///   Gemma, roles that do not alternate user/assistant after an optional leading system message).
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) throws(ChatTemplateError) -> ChatPrompt {
        guard !messages.isEmpty else { throw ChatTemplateError(.invalidConversation, "the conversation has no messages") }
        var prompt = ChatPrompt()
        switch family {
        case .gemma: try Self.renderGemma(messages, into: &prompt)
        case .chatML: Self.renderChatML(messages, into: &prompt)
        case .llama3: Self.renderLlama3(messages, into: &prompt)
        case .deepseek: Self.renderDeepSeek(messages, into: &prompt)
        case .deepseekLLM: Self.renderDeepSeekLLM(messages, into: &prompt)
        }
        if addGenerationPrompt {
            switch family {
            case .gemma: prompt.appendMarkup("<start_of_turn>model\n")
            case .chatML: prompt.appendMarkup("<|im_start|>assistant\n")
            case .llama3: prompt.appendMarkup("<|start_header_id|>assistant<|end_header_id|>\n\n")
            case .deepseek: prompt.appendMarkup("<｜Assistant｜>")
            case .deepseekLLM: prompt.appendMarkup("Assistant:")
            }
        }
        return prompt
    }

    /// Gemma has no system role: a leading system message goes, followed by a blank line, at the start of the first
    /// user turn. Turns must alternate user, model, user, ...; contents are trimmed.
    private static func renderGemma(_ messages: [ChatMessage], into prompt: inout ChatPrompt) throws(ChatTemplateError) {
        var turns = messages[...]
        var systemPrefix: String?
        if turns.first?.role == .system {
            systemPrefix = turns.removeFirst().content + "\n\n"
            guard !turns.isEmpty else {
                throw ChatTemplateError(.invalidConversation, "Gemma needs a user message after the system message")
            }
        }
        for (index, message) in turns.enumerated() {
            guard message.role != .system else {
                throw ChatTemplateError(.invalidConversation, "Gemma accepts a system message only at the start")
            }
            guard (message.role == .user) == (index % 2 == 0) else {
                throw ChatTemplateError(.invalidConversation, "Gemma turns must alternate user/assistant, starting with user")
            }
            prompt.appendMarkup("<start_of_turn>" + (message.role == .assistant ? "model" : "user") + "\n")
            if index == 0, let systemPrefix { prompt.appendContent(systemPrefix) }
            prompt.appendContent(trimmed(message.content))
            prompt.appendMarkup("<end_of_turn>\n")
        }
    }

    private static func renderChatML(_ messages: [ChatMessage], into prompt: inout ChatPrompt) {
        for message in messages {
            prompt.appendMarkup("<|im_start|>" + message.role.rawValue + "\n")
            prompt.appendContent(message.content)
            prompt.appendMarkup("<|im_end|>\n")
        }
    }

    private static func renderLlama3(_ messages: [ChatMessage], into prompt: inout ChatPrompt) {
        for message in messages {
            prompt.appendMarkup("<|start_header_id|>" + message.role.rawValue + "<|end_header_id|>\n\n")
            prompt.appendContent(trimmed(message.content))
            prompt.appendMarkup("<|eot_id|>")
        }
    }

    /// DeepSeek-R1 / V3: system text as is, then `<｜User｜>` and `<｜Assistant｜>` turns; an earlier assistant
    /// turn keeps only what follows its `</think>`, as the R1 template asks.
    private static func renderDeepSeek(_ messages: [ChatMessage], into prompt: inout ChatPrompt) {
        for message in messages {
            switch message.role {
            case .system:
                prompt.appendContent(message.content)
                prompt.appendMarkup("\n\n")
            case .user:
                prompt.appendMarkup("<｜User｜>")
                prompt.appendContent(message.content)
            case .assistant:
                prompt.appendMarkup("<｜Assistant｜>")
                prompt.appendContent(withoutReasoning(message.content))
                prompt.appendMarkup("<｜end▁of▁sentence｜>")
            }
        }
    }

    private static func renderDeepSeekLLM(_ messages: [ChatMessage], into prompt: inout ChatPrompt) {
        for message in messages {
            switch message.role {
            case .system:
                prompt.appendContent(message.content)
                prompt.appendMarkup("\n\n")
            case .user:
                prompt.appendMarkup("User: ")
                prompt.appendContent(message.content)
                prompt.appendMarkup("\n\n")
            case .assistant:
                prompt.appendMarkup("Assistant: ")
                prompt.appendContent(message.content)
                prompt.appendMarkup("<｜end▁of▁sentence｜>")
            }
        }
    }

    /// Jinja's `trim`: strips leading and trailing whitespace.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        let isSpace = { (scalar: Unicode.Scalar) in scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value) }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
            let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[first...last])
    }

    /// The part of an assistant message after its last `</think>`, or the whole message.
    static func withoutReasoning(_ text: String) -> String {
        guard let range = text.ranges(of: "</think>").last else { return text }
        return String(text[range.upperBound...])
    }
}
