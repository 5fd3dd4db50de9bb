import Testing
@testable import WardenEngine

@Suite("Seeded reproducibility")
struct ReproducibilityTests {
    /// A stand-in for a model: logits that depend on the previous token, so a different draw changes the future.
    static func logits(after token: Int32, vocabulary: Int = 300) -> [Float] {
        var rng = SeededGenerator(seed: UInt64(bitPattern: Int64(token)) &+ 1000)
        return (0..<vocabulary).map { _ in Float.random(in: -3...3, using: &rng) }
    }

    static func run(_ parameters: SamplingParameters, steps: Int) -> [SampledToken] {
        var sampler = TokenSampler(parameters: parameters)
        var token: Int32 = 0
        var out: [SampledToken] = []
        for _ in 0..<steps {
            let next = logits(after: token).withUnsafeBufferPointer { sampler.next($0) }
            out.append(next)
            token = next.id
        }
        return out
    }

    static let busy = SamplingParameters(
        temperature: 0.9, topK: 50, topP: 0.9, seed: 1234, minP: 0.02, presencePenalty: 0.4, frequencyPenalty: 0.3,
        logprobs: 3)

    @Test("the same seed and parameters give the same tokens and log-probabilities")
    func sameSeedSameTokens() {
        #expect(Self.run(Self.busy, steps: 60) == Self.run(Self.busy, steps: 60))
        var other = Self.busy
        other.seed = 1235
        #expect(Self.run(Self.busy, steps: 60).map(\.id) != Self.run(other, steps: 60).map(\.id))
    }

    @Test("other samplers interleaved in the same batch do not change a request's tokens")
    func interleavingDoesNotMatter() {
        let alone = Self.run(Self.busy, steps: 40)
        var mine = TokenSampler(parameters: Self.busy)
        var neighbours = (0..<5).map { TokenSampler(parameters: SamplingParameters(temperature: 1.1, seed: UInt64($0))) }
        var token: Int32 = 0
        var together: [SampledToken] = []
        for step in 0..<40 {
            for i in neighbours.indices where (step + i) % 2 == 0 { _ = neighbours[i].sample(Self.logits(after: Int32(i))) }
            let next = Self.logits(after: token).withUnsafeBufferPointer { mine.next($0) }
            together.append(next)
            token = next.id
        }
        #expect(together == alone)
    }

    @Test("a sampler copied mid-generation (a preempted sequence) continues exactly as the original")
    func copiedSamplerContinuesIdentically() {
        var original = TokenSampler(parameters: Self.busy)
        for step in 0..<15 { _ = original.sample(Self.logits(after: Int32(step))) }
        var copy = original
        for step in 15..<40 {
            let logits = Self.logits(after: Int32(step))
            #expect(original.sample(logits) == copy.sample(logits))
        }
    }

    @Test("sample(_:) and next(_:) pick the same tokens")
    func sampleForwardsToNext() {
        var a = TokenSampler(parameters: Self.busy)
        var b = TokenSampler(parameters: Self.busy)
        for step in 0..<30 {
            let logits = Self.logits(after: Int32(step))
            #expect(a.sample(logits) == logits.withUnsafeBufferPointer { b.next($0).id })
        }
    }
}
