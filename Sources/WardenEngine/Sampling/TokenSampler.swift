import Foundation

/// Picks next tokens from logits: greedy at temperature 0, otherwise temperature, top-k and top-p with a seeded
/// generator, so that a run can be reproduced.
public struct TokenSampler: Sendable {
    public let parameters: SamplingParameters
    private var generator: SamplingRandomGenerator

    public init(parameters: SamplingParameters) {
        self.parameters = parameters
        generator = SamplingRandomGenerator(seed: parameters.seed)
    }

    /// The index of the largest logit (the lowest index among equals).
    public static func argmax(_ logits: [Float]) -> Int {
        var best = 0
        var bestValue = -Float.infinity
        for (i, v) in logits.enumerated() where v > bestValue {
            best = i
            bestValue = v
        }
        return best
    }

    /// log-softmax of `logits`, computed in double precision.
    public static func logSoftmax(_ logits: [Float]) -> [Double] {
        let maxValue = Double(logits.max() ?? 0)
        var sum = 0.0
        for v in logits { sum += Foundation.exp(Double(v) - maxValue) }
        let logSum = Foundation.log(sum) + maxValue
        return logits.map { Double($0) - logSum }
    }

    /// Picks the next token.
    public mutating func sample(_ logits: [Float]) -> Int32 {
        if parameters.temperature == 0 || parameters.topK == 1 { return Int32(Self.argmax(logits)) }
        // Tokens more than 30 temperature-units below the best have a probability ratio under e^-30 (1e-13): dropping
        // them before sorting changes no realistic draw and keeps sampling over a 262k vocabulary cheap.
        let best = logits.max() ?? 0
        let floor = best - 30 * parameters.temperature
        var candidates: [(Int, Float)] = []
        for (i, v) in logits.enumerated() where v >= floor { candidates.append((i, v)) }
        candidates.sort { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        if parameters.topK > 0 && parameters.topK < candidates.count {
            candidates.removeSubrange(parameters.topK...)
        }
        let top = Double(candidates[0].1)
        let temperature = Double(parameters.temperature)
        var weights = candidates.map { Foundation.exp((Double($0.1) - top) / temperature) }
        let total = weights.reduce(0, +)
        if parameters.topP < 1 {
            var cumulative = 0.0
            var keep = weights.count
            for (i, w) in weights.enumerated() {
                cumulative += w / total
                if cumulative >= Double(parameters.topP) {
                    keep = i + 1
                    break
                }
            }
            weights.removeSubrange(keep...)
        }
        let kept = weights.reduce(0, +)
        var target = generator.nextUnitFloat() * kept
        for (i, w) in weights.enumerated() {
            target -= w
            if target < 0 { return Int32(candidates[i].0) }
        }
        return Int32(candidates[weights.count - 1].0)
    }
}
