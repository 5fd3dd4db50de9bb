import Foundation
@testable import WardenEngine

/// Replays a llama.cpp reference case through a model with teacher forcing (the reference's tokens are fed back),
/// so every position is compared in the same context as llama.cpp's, and measures the differences.
struct ReferenceComparison {
    /// |our logprob − llama.cpp's| for every reference top-5 candidate, with the reference logprob.
    var errors: [(error: Double, reference: Double)] = []
    static let nearTieGap = 0.05
    /// Positions where our argmax differs from llama.cpp's token although llama.cpp's top-2 gap is at least
    /// `tieGap`.
    var argmaxMismatches: [Int] = []
    /// The first position whose reference top-2 gap is under `tieGap` (nil: none).
    var firstTie: Int?
    /// Reference positions compared.
    var positions = 0

    var maxError: Double { errors.map(\.error).max() ?? 0 }
    var meanError: Double { errors.isEmpty ? 0 : errors.map(\.error).reduce(0, +) / Double(errors.count) }
    /// The largest error among candidates at least as likely as `floor` (a log-probability).
    func maxError(forLogprobsAbove floor: Double) -> Double {
        errors.filter { $0.reference >= floor }.map(\.error).max() ?? 0
    }

    init(model: TransformerModel, testCase: GenerationFixture.Case, slot: KVCacheSlot, tieGap: Double) throws {
        slot.reset()
        var logits = try model.forward([SequenceStep(tokens: testCase.prompt_ids, slot: slot)])[0]!
        // llama-server leaves out the entries of tokens that end in an incomplete UTF-8 character, so entries are
        // matched to positions by their top token (the greedy choice at that position).
        var entry = 0
        for (position, expected) in testCase.generated_ids.enumerated() {
            if entry < testCase.top5_logprobs.count, testCase.top5_logprobs[entry][0].id == expected {
                let reference = testCase.top5_logprobs[entry]
                entry += 1
                let ours = TokenSampler.logSoftmax(logits)
                if ProcessInfo.processInfo.environment["WARDEN_DEBUG_REF"] != nil {
                    print(position, reference.map { String(format: "%d:%.3f/%.3f", $0.id, $0.logprob, ours[Int($0.id)]) })
                }
                for candidate in reference {
                    errors.append((abs(ours[Int(candidate.id)] - candidate.logprob), candidate.logprob))
                }
                let gap = reference.count > 1 ? reference[0].logprob - reference[1].logprob : .infinity
                if gap < tieGap {
                    if firstTie == nil { firstTie = position }
                } else if Int32(TokenSampler.argmax(logits)) != expected {
                    argmaxMismatches.append(position)
                }
                positions += 1
            }
            if position + 1 < testCase.generated_ids.count {
                logits = try model.forward([SequenceStep(tokens: [expected], slot: slot)])[0]!
            }
        }
    }
}

/// Free-running greedy decoding, as `warden generate` does it.
func greedyTokens(model: TransformerModel, prompt: [Int32], count: Int, slot: KVCacheSlot) throws -> [Int32] {
    slot.reset()
    var logits = try model.forward([SequenceStep(tokens: prompt, slot: slot)])[0]!
    var tokens: [Int32] = []
    while tokens.count < count {
        let next = Int32(TokenSampler.argmax(logits))
        tokens.append(next)
        if tokens.count < count { logits = try model.forward([SequenceStep(tokens: [next], slot: slot)])[0]! }
    }
    return tokens
}
