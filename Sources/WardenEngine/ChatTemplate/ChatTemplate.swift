/// Turns a conversation into a model's prompt format.
///
/// The family is recognised, in this order, from (1) distinctive markers in the GGUF's `tokenizer.chat_template`;
/// when the file has no template, (2) the turn-marker control tokens of its vocabulary, then (3) its architecture
/// (`gemma*` → Gemma, `qwen2` → ChatML). A template that is present but unrecognised is an error, never overridden
/// by a guess; a caller may name an explicit `fallback` family to use instead of failing.
///
/// ```swift
/// let template = try ChatTemplate(gguf: file)
/// let prompt = try template.render([ChatMessage(role: .user, content: question)], addGenerationPrompt: true)
/// let ids = tokenizer.encode(prompt)                     // control tokens only from the template's markup
/// let stops = template.stopTokenIDs(using: tokenizer)   // end generation at any of these
/// ```
public struct ChatTemplate: Sendable, Equatable {
    /// How the family was chosen, for logs and diagnostics.
    public enum Source: Sendable, Equatable {
        /// From markers in `tokenizer.chat_template`.
        case chatTemplateMetadata
        /// From the turn-marker tokens of the vocabulary (the file has no template).
        case vocabulary
        /// From `general.architecture` (the file has no template and no marker tokens).
        case architecture
        /// Named by the caller with `init(family:)`.
        case explicitChoice
        /// The caller's `fallback`, used because nothing else identified the family.
        case fallback
    }

    /// The prompt format in use.
    public let family: ChatTemplateFamily
    /// How `family` was chosen.
    public let source: Source

    /// A template of a known family, chosen by the caller.
    public init(family: ChatTemplateFamily) {
        self.family = family
        self.source = .explicitChoice
    }

    /// Recognises the template of a GGUF model; see the type's documentation for the order of evidence.
    public init(gguf file: GGUFFile, fallback: ChatTemplateFamily? = nil) throws(ChatTemplateError) {
        try self.init(metadata: file.metadata, fallback: fallback)
    }

    /// Recognises the template described by GGUF metadata.
    public init(metadata: GGUFMetadata, fallback: ChatTemplateFamily? = nil) throws(ChatTemplateError) {
        let template: String?
        let architecture: String?
        let vocabulary: [String]?
        do {
            template = try metadata.string("tokenizer.chat_template")
            architecture = try metadata.string("general.architecture")
            vocabulary = try metadata.stringArray("tokenizer.ggml.tokens")
        } catch {
            throw ChatTemplateError(.unknownTemplate, "cannot read the model's template metadata: \(error)")
        }
        if let template {
            if let family = Self.family(forTemplate: template) {
                self.init(family: family, source: .chatTemplateMetadata)
                return
            }
            guard let fallback else {
                throw ChatTemplateError(
                    .unknownTemplate,
                    "the model's tokenizer.chat_template matches no supported family ("
                        + ChatTemplateFamily.allCases.map(\.rawValue).joined(separator: ", ")
                        + "); name a family explicitly to use one anyway")
            }
            self.init(family: fallback, source: .fallback)
            return
        }
        if let vocabulary, let family = Self.family(forVocabulary: Set(vocabulary)) {
            self.init(family: family, source: .vocabulary)
        } else if let architecture, let family = Self.family(forArchitecture: architecture) {
            self.init(family: family, source: .architecture)
        } else if let fallback {
            self.init(family: fallback, source: .fallback)
        } else {
            throw ChatTemplateError(
                .unknownTemplate,
                "the model has no tokenizer.chat_template, and neither its vocabulary nor its architecture '"
                    + (architecture ?? "(none)") + "' identifies a supported family; name a family explicitly")
        }
    }

    private init(family: ChatTemplateFamily, source: Source) {
        self.family = family
        self.source = source
    }

    /// The family whose markers all occur in a Jinja template, if any.
    public static func family(forTemplate template: String) -> ChatTemplateFamily? {
        ChatTemplateFamily.detectionOrder.first { family in
            family.templateMarkers.allSatisfy { template.contains($0) }
        }
    }

    static func family(forVocabulary tokens: Set<String>) -> ChatTemplateFamily? {
        ChatTemplateFamily.detectionOrder.first { family in
            !family.vocabularyMarkers.isEmpty && family.vocabularyMarkers.allSatisfy { tokens.contains($0) }
        }
    }

    static func family(forArchitecture architecture: String) -> ChatTemplateFamily? {
        switch architecture {
        case "gemma", "gemma2", "gemma3": .gemma
        case "qwen2": .chatML
        default: nil
        }
    }

    /// The ids that end an assistant turn: the family's end-of-turn tokens found in the vocabulary, plus every
    /// end-of-generation token the tokenizer knows (EOS and the like).
    public func stopTokenIDs(using tokenizer: Tokenizer) -> Set<Int32> {
        var ids = tokenizer.endOfGenerationTokenIDs
        for text in family.endOfTurnTexts {
            if let id = tokenizer.tokenID(forText: text) { ids.insert(id) }
        }
        return ids
    }
}
