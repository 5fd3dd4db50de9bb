import ArgumentParser
import Foundation
import WardenEngine

/// `warden tokenize`: a model's token ids for a text, computed as llama.cpp's `llama-tokenize --ids` computes them
/// (BOS and EOS as the model's metadata asks), for checking prompts and comparing with llama.cpp.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the token ids of a text for a GGUF model.",
        discussion: """
            Prints the ids separated by spaces. With --llama-format the output is byte for byte what \
            `llama-tokenize -m MODEL -p TEXT --ids --no-escape --log-disable` prints (add --no-parse-special there \
            unless you pass --parse-special here). The text is taken literally: no escape sequences are processed.
            """)

    @Option(help: "The GGUF model file.") var model: String
    @Option(help: "The text to tokenize.") var text: String
    @Flag(help: "Match control-token texts such as <start_of_turn> as single tokens.") var parseSpecial = false
    @Flag(name: .customLong("no-bos"), help: "Add no BOS/EOS even where the model's metadata asks for them.")
    var noBOS = false
    @Flag(help: "Print as llama-tokenize --ids does: [2, 9259, 236764].") var llamaFormat = false

    func run() throws {
        let tokenizer: Tokenizer
        do {
            tokenizer = try Tokenizer(gguf: GGUFFile(path: model))
        } catch {
            FileHandle.standardError.write(Data("warden tokenize: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let ids = tokenizer.encode(text, addSpecialTokens: !noBOS, parseSpecial: parseSpecial).map(String.init)
        print(llamaFormat ? "[" + ids.joined(separator: ", ") + "]" : ids.joined(separator: " "))
    }
}
