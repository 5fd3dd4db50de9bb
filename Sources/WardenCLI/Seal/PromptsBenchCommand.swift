import ArgumentParser
import Foundation
import WardenSeal

/// `warden prompts bench`: seals N records through ``SealedStore/seal(_:metadata:)`` (the gateway's code path), opens
/// them all, and prints rates. Use a release build; the store and key ring in DIR are throwaway.
struct PromptsBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmark sealing and opening records (creates a key ring and store in DIR).")

    @Option(help: "Directory for the benchmark key ring and store (created if absent).")
    var dir: String

    @Option(help: "How many records to seal and open.")
    var records: Int

    @Option(help: "Random text of this many bytes per record (default 4096).")
    var size: Int?

    @Option(help: "Use this file's text in every record instead of random text.")
    var text: String?

    @Option(help: "Concurrent sealing tasks, like concurrent gateway requests.")
    var concurrency: Int = 64

    @Flag(help: "Return from each seal once queued (SealDurability.queued) instead of after its group commit.")
    var queued = false

    func validate() throws {
        guard records > 0, records <= 10_000_000 else { throw ValidationError("--records must be 1...10000000") }
        guard size == nil || text == nil else { throw ValidationError("give --size or --text, not both") }
        if let size, size < 1 || size > 64 << 20 { throw ValidationError("--size must be 1...67108864") }
        guard concurrency > 0, concurrency <= 4096 else { throw ValidationError("--concurrency must be 1...4096") }
    }

    func run() async throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let sink = CountingEventSink()
        let keyRingPath = dir + "/bench-keyring.json"
        if !FileManager.default.fileExists(atPath: keyRingPath) {
            try await KeyRingAdministration.createKeyRing(at: keyRingPath, actor: "bench", sink: sink)
        }
        var configuration = SealedStoreConfiguration(databasePath: dir + "/bench-prompts.db", keyRing: .file(path: keyRingPath))
        configuration.durability = queued ? .queued : .committed
        let store = try await SealedStore.open(configuration, sink: sink)
        let payloads = try makePayloads()
        let metadata = RecordMetadata(
            owner: "spiffe://warden.local/team/bench/user/bench", domain: "bench", kind: .prompt, model: "bench-model")
        let payloadSize = payloads[0].count

        // 1. The seal itself (validation, KEK accounting, AES-GCM, key wrap), single task, no database.
        let envelopeRounds = min(records, max(1000, 64 << 20 / max(payloadSize, 1)))
        // Warm up (first KEK reservation, caches), then time a synchronous loop: it stays on one thread, so thread
        // CPU time is meaningful even when other processes share the cores.
        for index in 0..<min(envelopeRounds, 200) {
            _ = try store.sealEnvelopeOnly(payloads[index % payloads.count], metadata: metadata)
        }
        let envelopeStart = ContinuousClock.now
        let cpuStart = threadCPUSeconds()
        for index in 0..<envelopeRounds {
            _ = try store.sealEnvelopeOnly(payloads[index % payloads.count], metadata: metadata)
        }
        let envelopeCPUSeconds = threadCPUSeconds() - cpuStart
        let envelopeSeconds = (ContinuousClock.now - envelopeStart).seconds

        // 2. Full seals through the store, `concurrency` at a time (group commit shares fsyncs between them).
        let sealStart = ContinuousClock.now
        let ids = try await runConcurrently(count: records) { index in
            try await store.seal(payloads[index % payloads.count], metadata: metadata)
        }
        try await store.flush()
        let sealSeconds = (ContinuousClock.now - sealStart).seconds

        // 3. Open every record again (each read records an audit event in the benchmark's in-memory sink).
        let openStart = ContinuousClock.now
        let opened = try await runConcurrently(count: ids.count) { index in
            try await store.read(id: ids[index], actor: "bench").plaintext.count
        }
        let openSeconds = (ContinuousClock.now - openStart).seconds
        guard opened.enumerated().allSatisfy({ $0.element == payloads[$0.offset % payloads.count].count }) else {
            throw ValidationError("an opened record did not match its sealed length")
        }

        let mode = queued ? "queued, then flushed" : "each awaited its group commit"
        print("records: \(records), payload: \(payloadSize) bytes, concurrency: \(concurrency)")
        print(
            "seal only (no database, 1 task): \(fixed(envelopeCPUSeconds / Double(envelopeRounds) * 1e6, 2)) µs CPU/record, "
                + "\(fixed(envelopeSeconds / Double(envelopeRounds) * 1e6, 2)) µs wall/record (\(envelopeRounds) rounds)")
        print("seals: \(fixed(Double(records) / sealSeconds, 0)) records/s (\(fixed(Double(records * payloadSize) / sealSeconds / 1e6, 1)) MB/s), \(mode)")
        print("opens: \(fixed(Double(records) / openSeconds, 0)) records/s (\(fixed(Double(records * payloadSize) / openSeconds / 1e6, 1)) MB/s)")
        print("audit events recorded: \(sink.count)")
    }

    private func threadCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    private func fixed(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    private func makePayloads() throws -> [Data] {
        if let text {
            let data = try Data(contentsOf: URL(fileURLWithPath: text))
            guard !data.isEmpty else { throw ValidationError("\(text) is empty") }
            return [data]
        }
        let length = size ?? 4096
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,".utf8)
        var generator = SystemRandomNumberGenerator()
        return (0..<8).map { _ in Data((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }) }
    }

    private func runConcurrently<T: Sendable>(count: Int, _ body: @escaping @Sendable (Int) async throws -> T) async throws -> [T] {
        try await withThrowingTaskGroup(of: (Int, T).self) { group in
            var results = [T?](repeating: nil, count: count)
            var next = 0
            while next < min(concurrency, count) {
                let index = next
                group.addTask { (index, try await body(index)) }
                next += 1
            }
            while let (index, value) = try await group.next() {
                results[index] = value
                if next < count {
                    let index = next
                    group.addTask { (index, try await body(index)) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }
}

/// The benchmark's audit sink: counts events in memory. The benchmark's store is throwaway, so nothing is lost.
private final class CountingEventSink: SealEventSink, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded = 0
    var count: Int { lock.withLock { recorded } }
    func record(_ event: SealEvent) async throws { lock.withLock { recorded += 1 } }
}

extension Duration {
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
