import ArgumentParser
import Foundation
import WardenEngine

#if canImport(Glibc)
import Glibc
#endif

/// `warden bench-sampler`: the cost of one `TokenSampler.next(_:)` call on a full-size vocabulary, for the settings
/// requests use most. The sampler runs once per sequence per step on the compute thread, so at 32 streams its cost
/// is paid 32 times a step. Both wall time and this thread's CPU time are shown: on a busy machine the CPU time is the
/// figure to compare.
struct SamplerBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-sampler",
        abstract: "Benchmark per-request sampling (greedy, logprobs, temperature + top_p + penalties) on random logits.")

    @Option(help: "Vocabulary size (Gemma 3: 262144).")
    var vocabulary = 262_144

    @Option(help: "Calls to time per setting.")
    var iterations = 300

    @Option(
        parsing: .upToNextOption,
        help: """
            Standard deviations of the Gaussian logits: 1 is flat (every token survives the 30·T floor at T 0.8, the \
            worst case); 4 is nearer a trained model's spread.
            """)
    var spread: [Float] = [1, 4]

    @Option(help: "A file of real logits (little-endian float32, a multiple of --vocabulary entries) to time as well.")
    var logits: String?

    @Option(help: "Only time the settings whose name contains this text.")
    var only: String?

    func validate() throws {
        guard (2...4_194_304).contains(vocabulary) else { throw ValidationError("--vocabulary must be in 2...4194304") }
        guard (1...100_000).contains(iterations) else { throw ValidationError("--iterations must be in 1...100000") }
        guard !spread.isEmpty, spread.allSatisfy({ $0.isFinite && $0 > 0 && $0 <= 100 }) else {
            throw ValidationError("--spread values must be in (0, 100]")
        }
    }

    static let settings: [(name: String, parameters: SamplingParameters)] = [
        ("greedy", SamplingParameters()),
        ("greedy + top_logprobs 5", SamplingParameters(logprobs: 5)),
        ("T 0.8 + top_p 0.95 + presence 0.5 + frequency 0.5",
         SamplingParameters(temperature: 0.8, topP: 0.95, seed: 1, presencePenalty: 0.5, frequencyPenalty: 0.5)),
        ("T 0.8 + top_k 40 + top_p 0.95 + min_p 0.05 + top_logprobs 5",
         SamplingParameters(temperature: 0.8, topK: 40, topP: 0.95, seed: 1, minP: 0.05, logprobs: 5)),
        ("T 1.5 + top_p 0.95 (high temperature)", SamplingParameters(temperature: 1.5, topP: 0.95, seed: 1)),
        ("T 1 (no truncation)", SamplingParameters(temperature: 1, seed: 1)),
    ]

    func run() throws {
        print("vocabulary \(vocabulary), \(iterations) calls per setting; µs per next(_:) call")
        print("logits   setting                                                        wall µs    CPU µs")
        var inputs = spread.map { (String(format: "σ %g", $0), Self.gaussianLogits(count: vocabulary, sigma: $0, seed: 7)) }
        if let logits {
            let data = try Data(contentsOf: URL(fileURLWithPath: logits))
            guard data.count > 0, data.count % (4 * vocabulary) == 0 else {
                throw ValidationError("\(logits) does not hold a whole number of \(vocabulary)-entry float32 vectors")
            }
            let values = data.withUnsafeBytes { raw in
                (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
            }
            for start in stride(from: 0, to: values.count, by: vocabulary) {
                inputs.append(("file #\(start / vocabulary)", Array(values[start..<(start + vocabulary)])))
            }
        }
        for (inputName, logits) in inputs {
            for (name, parameters) in Self.settings where only.map({ name.contains($0) }) ?? true {
                var sampler = TokenSampler(parameters: parameters)
                let (wall, cpu) = logits.withUnsafeBufferPointer { buffer in
                    for _ in 0..<10 { _ = sampler.next(buffer) }  // warm-up: caches, scratch capacity
                    let start = DispatchTime.now().uptimeNanoseconds
                    let cpuStart = Self.threadCPUNanoseconds()
                    var checksum: Int64 = 0
                    for _ in 0..<iterations { checksum &+= Int64(sampler.next(buffer).id) }
                    let cpu = Self.threadCPUNanoseconds() - cpuStart
                    let elapsed = DispatchTime.now().uptimeNanoseconds - start
                    if checksum == -1 { print("") }  // keeps the loop's result observable
                    return (Double(elapsed) / 1e3 / Double(iterations), Double(cpu) / 1e3 / Double(iterations))
                }
                let label = name.padding(toLength: 62, withPad: " ", startingAt: 0)
                let input = inputName.padding(toLength: 8, withPad: " ", startingAt: 0)
                print(String(format: "%@ %@ %9.1f %9.1f", input, label, wall, cpu))
            }
        }
    }

    static func threadCPUNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Gaussian logits (Box–Muller over the engine's seeded generator), so runs are comparable.
    static func gaussianLogits(count: Int, sigma: Float, seed: UInt64) -> [Float] {
        var rng = SamplingRandomGenerator(seed: seed)
        var logits = [Float](repeating: 0, count: count)
        for i in 0..<count {
            let u1 = Double(rng.next() >> 11) * 0x1.0p-53 + 0x1.0p-54
            let u2 = Double(rng.next() >> 11) * 0x1.0p-53
            logits[i] = sigma * Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
        }
        return logits
    }
}
