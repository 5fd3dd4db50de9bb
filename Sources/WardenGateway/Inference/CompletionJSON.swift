/// OpenAI's response shapes for chat and text completions, whole and streamed.
enum CompletionJSON {
    enum Kind {
        case chat
        case text

        var object: String { self == .chat ? "chat.completion" : "text_completion" }
        var chunkObject: String { self == .chat ? "chat.completion.chunk" : "text_completion" }
        var idPrefix: String { self == .chat ? "chatcmpl-" : "cmpl-" }
    }

    /// The four fields every completion object and chunk starts with.
    static func header(_ object: inout JSONWriter.ObjectWriter, id: String, object type: String, created: Int, model: String) {
        object.field("id", id)
        object.field("object", type)
        object.field("created", created)
        object.field("model", model)
    }

    static func usage(_ outcome: GenerationOutcome, into json: inout JSONWriter) {
        json.object {
            $0.field("prompt_tokens", outcome.promptTokens)
            $0.field("completion_tokens", outcome.completionTokens)
            $0.field("total_tokens", outcome.promptTokens + outcome.completionTokens)
            $0.field("prompt_tokens_details") { details in
                details.object { $0.field("cached_tokens", outcome.cachedPromptTokens) }
            }
        }
    }

    /// The whole response of a non-streamed request.
    static func complete(kind: Kind, id: String, created: Int, model: String, outcome: GenerationOutcome) -> [UInt8] {
        var json = JSONWriter()
        json.object {
            header(&$0, id: kind.idPrefix + id, object: kind.object, created: created, model: model)
            $0.field("choices") { writer in
                writer.array([0]) { writer, index in
                    writer.object { choice in
                        choice.field("index", index)
                        if kind == .chat {
                            choice.field("message") { message in
                                message.object {
                                    $0.field("role", "assistant")
                                    $0.field("content", outcome.text)
                                }
                            }
                        } else {
                            choice.field("text", outcome.text)
                        }
                        logprobsField(kind: kind, outcome.logprobs, textOffset: outcome.logprobsTextOffset, into: &choice)
                        choice.field("finish_reason", outcome.finishReason)
                    }
                }
            }
            $0.field("usage") { usage(outcome, into: &$0) }
        }
        return json.bytes
    }

    /// One streamed chunk carrying `text` (and, on the last, the finish reason).
    static func chunk(
        kind: Kind, id: String, created: Int, model: String, text: String?, role: Bool = false, finishReason: String?,
        logprobs: [TokenLogprobs]? = nil, textOffset: Int = 0
    ) -> [UInt8] {
        var json = JSONWriter()
        json.object {
            header(&$0, id: kind.idPrefix + id, object: kind.chunkObject, created: created, model: model)
            $0.field("choices") { writer in
                writer.array([0]) { writer, index in
                    writer.object { choice in
                        choice.field("index", index)
                        if kind == .chat {
                            choice.field("delta") { delta in
                                delta.object {
                                    if role { $0.field("role", "assistant") }
                                    if let text { $0.field("content", text) }
                                }
                            }
                        } else {
                            choice.field("text", text ?? "")
                        }
                        logprobsField(kind: kind, logprobs, textOffset: textOffset, into: &choice)
                        choice.field("finish_reason", finishReason)
                    }
                }
            }
        }
        return json.bytes
    }

    /// `logprobs`: null when the request did not ask for them, otherwise the shape of the route.
    static func logprobsField(
        kind: Kind, _ entries: [TokenLogprobs]?, textOffset: Int, into choice: inout JSONWriter.ObjectWriter
    ) {
        guard let entries else { return choice.field("logprobs", nil as String?) }
        choice.field("logprobs") { json in
            if kind == .chat {
                LogprobsJSON.chat(entries, into: &json)
            } else {
                LogprobsJSON.completion(entries, startOffset: textOffset, into: &json)
            }
        }
    }

    /// The usage chunk sent when `stream_options.include_usage` is set: no choices, only usage.
    static func usageChunk(kind: Kind, id: String, created: Int, model: String, outcome: GenerationOutcome) -> [UInt8] {
        var json = JSONWriter()
        json.object {
            header(&$0, id: kind.idPrefix + id, object: kind.chunkObject, created: created, model: model)
            $0.field("choices") { $0.array([Int]()) { _, _ in } }
            $0.field("usage") { usage(outcome, into: &$0) }
        }
        return json.bytes
    }
}
