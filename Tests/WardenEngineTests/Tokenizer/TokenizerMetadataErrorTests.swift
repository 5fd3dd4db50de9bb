import Testing
import WardenEngine

/// Vocabularies that are missing, malformed or unsupported give a named error, never a guess.
@Suite struct TokenizerMetadataErrorTests {
    private func tokenizerError(_ configure: (inout GGUFWriter) -> Void) throws -> TokenizerError? {
        var writer = try GGUFWriter()
        configure(&writer)
        let file = try GGUFFile(bytes: writer.serialized())
        do {
            _ = try Tokenizer(gguf: file)
            return nil
        } catch {
            return error
        }
    }

    @Test func aFileWithoutAVocabularyIsRejected() throws {
        #expect(try tokenizerError { _ in }?.code == .unsupportedModel)
        let empty = try tokenizerError {
            $0.setValue(.string("llama"), forKey: "tokenizer.ggml.model")
            $0.setValue(.array(.string([])), forKey: "tokenizer.ggml.tokens")
        }
        #expect(empty?.code == .invalidVocabulary)
    }

    @Test func unsupportedModelsAndPreTokenizersAreNamed() throws {
        let bert = try tokenizerError { $0.setValue(.string("bert"), forKey: "tokenizer.ggml.model") }
        #expect(bert?.code == .unsupportedModel)
        #expect(bert?.description.contains("bert") == true)
        let gpt4o = try tokenizerError {
            $0.setValue(.string("gpt2"), forKey: "tokenizer.ggml.model")
            $0.setValue(.string("gpt-4o"), forKey: "tokenizer.ggml.pre")
        }
        #expect(gpt4o?.code == .unsupportedPreTokenizer)
        let noPre = try tokenizerError { $0.setValue(.string("gpt2"), forKey: "tokenizer.ggml.model") }
        #expect(noPre?.code == .unsupportedPreTokenizer)
    }

    @Test func malformedTokenArraysAreRejected() throws {
        let wrongType = try tokenizerError {
            $0.setValue(.string("llama"), forKey: "tokenizer.ggml.model")
            $0.setValue(.array(.int32([1, 2])), forKey: "tokenizer.ggml.tokens")
        }
        #expect(wrongType?.code == .invalidMetadata)
        let duplicate = try tokenizerError {
            $0.setValue(.string("llama"), forKey: "tokenizer.ggml.model")
            $0.setValue(.array(.string(["a", "b", "a"])), forKey: "tokenizer.ggml.tokens")
        }
        #expect(duplicate?.code == .invalidVocabulary)
        let shortScores = try tokenizerError {
            $0.setValue(.string("llama"), forKey: "tokenizer.ggml.model")
            $0.setValue(.array(.string(["a", "b", "c"])), forKey: "tokenizer.ggml.tokens")
            $0.setValue(.array(.float32([0])), forKey: "tokenizer.ggml.scores")
        }
        #expect(shortScores?.code == .invalidMetadata)
        let noMerges = try tokenizerError {
            $0.setValue(.string("gpt2"), forKey: "tokenizer.ggml.model")
            $0.setValue(.string("qwen2"), forKey: "tokenizer.ggml.pre")
            $0.setValue(.array(.string(["a"])), forKey: "tokenizer.ggml.tokens")
        }
        #expect(noMerges?.code == .invalidMetadata)
    }

    @Test func addingABOSTokenThatDoesNotExistIsRejected() throws {
        // SentencePiece adds BOS by default; its default id 1 is outside a one-token vocabulary.
        let error = try tokenizerError {
            $0.setValue(.string("llama"), forKey: "tokenizer.ggml.model")
            $0.setValue(.array(.string(["a"])), forKey: "tokenizer.ggml.tokens")
        }
        #expect(error?.code == .invalidMetadata)
    }
}
