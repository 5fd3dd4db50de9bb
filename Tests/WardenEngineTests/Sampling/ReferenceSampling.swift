import Foundation
@testable import WardenEngine

/// A deliberately plain reference for what `TokenSampler` should do, written from the OpenAI/vLLM definitions in
/// double precision with a full sort, so tests can check the optimised sampler against it.
enum ReferenceSampling {
    /// The probability of each token under `parameters` after `generated` tokens: penalties → temperature → min_p →
    /// top_k → top_p, renormalised. Temperature must be > 0.
    static func distribution(_ logits: [Float], parameters: SamplingParameters, generated: [Int32] = []) -> [Double] {
        var counts: [Int: Int] = [:]
        for id in generated { counts[Int(id), default: 0] += 1 }
        var adjusted = logits.map { $0.isNaN ? -Double.infinity : Double($0) }
        for (id, count) in counts where id < adjusted.count {
            adjusted[id] -= Double(parameters.frequencyPenalty) * Double(count) + Double(parameters.presencePenalty)
        }
        let maximum = adjusted.max() ?? -.infinity
        let t = Double(parameters.temperature)
        var weights = adjusted.map { exp(($0 - maximum) / t) }
        if parameters.minP > 0 {
            weights = weights.map { $0 >= Double(parameters.minP) ? $0 : 0 }
        }
        // Order: larger adjusted logit first, lower id among equals.
        let order = adjusted.indices.sorted { adjusted[$0] > adjusted[$1] || (adjusted[$0] == adjusted[$1] && $0 < $1) }
            .filter { weights[$0] > 0 }
        var kept = order
        if parameters.topK > 0 && parameters.topK < kept.count { kept = Array(kept.prefix(parameters.topK)) }
        if parameters.topP < 1 {
            let total = kept.reduce(0.0) { $0 + weights[$1] }
            var cumulative = 0.0
            var n = kept.count
            for (i, id) in kept.enumerated() {
                cumulative += weights[id] / total
                if cumulative >= Double(parameters.topP) {
                    n = i + 1
                    break
                }
            }
            kept = Array(kept.prefix(n))
        }
        let mass = kept.reduce(0.0) { $0 + weights[$1] }
        var probabilities = [Double](repeating: 0, count: logits.count)
        for id in kept { probabilities[id] = weights[id] / mass }
        return probabilities
    }

    /// ln softmax of the raw logits in double precision, NaN counted as probability 0.
    static func logSoftmax(_ logits: [Float]) -> [Double] {
        let values = logits.map { $0.isNaN ? -Double.infinity : Double($0) }
        let maximum = values.max() ?? 0
        let sum = values.reduce(0.0) { $0 + exp($1 - maximum) }
        return values.map { $0 - maximum - log(sum) }
    }

    /// How often each token comes out of `draws` fresh samplers seeded 0, 1, 2, … (one draw each).
    static func frequencies(_ logits: [Float], parameters: SamplingParameters, draws: Int) -> [Double] {
        var counts = [Int](repeating: 0, count: logits.count)
        for seed in 0..<draws {
            var p = parameters
            p.seed = UInt64(seed)
            var sampler = TokenSampler(parameters: p)
            counts[Int(sampler.sample(logits))] += 1
        }
        return counts.map { Double($0) / Double(draws) }
    }

    /// Gaussian logits from a seeded generator.
    static func gaussianLogits(count: Int, sigma: Float, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let u1 = Double.random(in: Double.ulpOfOne..<1, using: &rng)
            let u2 = Double.random(in: 0..<1, using: &rng)
            return sigma * Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
        }
    }
}
