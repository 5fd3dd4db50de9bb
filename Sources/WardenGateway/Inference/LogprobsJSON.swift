/// The two wire shapes of `logprobs`: the chat one (a `content` list of token objects) and the legacy completions one
/// (parallel `tokens`, `token_logprobs`, `top_logprobs` and `text_offset` lists).
enum LogprobsJSON {
    /// Chat completions: `{"content":[{"token","logprob","bytes","top_logprobs":[…]}],"refusal":null}`.
    static func chat(_ entries: [TokenLogprobs], into json: inout JSONWriter) {
        json.object {
            $0.field("content") { list in
                list.array(entries) { writer, entry in
                    writer.object { object in
                        candidate(entry.chosen, into: &object)
                        object.field("top_logprobs") { top in
                            top.array(entry.top) { writer, alternative in
                                writer.object { candidate(alternative, into: &$0) }
                            }
                        }
                    }
                }
            }
            $0.field("refusal", nil as String?)
        }
    }

    /// Completions: `text_offset` counts characters (Unicode scalars) from the start of the returned text, starting at
    /// `startOffset` (the length of what came before: the echoed prompt and earlier chunks).
    static func completion(_ entries: [TokenLogprobs], startOffset: Int, into json: inout JSONWriter) {
        json.object {
            $0.field("tokens") { $0.array(entries) { writer, entry in writer.value(entry.chosen.token) } }
            $0.field("token_logprobs") { list in
                list.array(entries) { writer, entry in writer.value(TokenLogprobs.wireValue(entry.chosen.logprob)) }
            }
            $0.field("top_logprobs") { list in
                list.array(entries) { writer, entry in
                    writer.object { object in
                        // Distinct tokens can render to the same text; the first (most likely) one wins, as a
                        // JSON object cannot repeat a key.
                        var seen = Set<String>()
                        for alternative in entry.top where seen.insert(alternative.token).inserted {
                            object.field(alternative.token, TokenLogprobs.wireValue(alternative.logprob))
                        }
                    }
                }
            }
            $0.field("text_offset") { list in
                var offset = startOffset
                list.array(entries) { writer, entry in
                    writer.value(offset)
                    offset += entry.chosen.token.unicodeScalars.count
                }
            }
        }
    }

    private static func candidate(_ candidate: TokenLogprobs.Candidate, into object: inout JSONWriter.ObjectWriter) {
        object.field("token", candidate.token)
        object.field("logprob", TokenLogprobs.wireValue(candidate.logprob))
        object.field("bytes") { $0.array(candidate.bytes) { writer, byte in writer.value(Int(byte)) } }
    }
}
