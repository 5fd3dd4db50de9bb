import Prometheus
import Synchronization
import WardenEngine

/// The engine's load and throughput as Prometheus series, refreshed from `InferenceEngine.metrics()` at each scrape.
///
/// The engine keeps monotonic totals; the gateway's counters advance by the difference from the previous scrape, so
/// the exposition has proper counters (rates work) without the engine knowing about Prometheus.
final class EngineMetricsExporter: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let previous = Mutex<EngineMetrics?>(nil)

    static let firstTokenBuckets: [Duration] = [
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2),
        .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// Records one finished request's time to first token (queueing included).
    func timeToFirstToken(_ seconds: Double) {
        registry.makeDurationHistogram(
            descriptor: .init(namespace: "warden", subsystem: "engine", metricName: "time_to_first_token",
                              unitName: "seconds", helpText: "Seconds from submission to the first generated token"),
            buckets: Self.firstTokenBuckets
        ).record(.milliseconds(Int64((seconds * 1000).rounded())))
    }

    /// Sets the gauges and advances the counters from a fresh snapshot.
    func update(_ now: EngineMetrics) {
        gauge("queued_requests", "Requests waiting for a batch slot").set(Double(now.queuedRequests))
        gauge("running_sequences", "Sequences in the running batch").set(Double(now.runningSequences))
        gauge("kv_blocks_used", "Key/value cache blocks held by running sequences").set(Double(now.kvBlocksUsed))
        gauge("kv_blocks_cached", "Unreferenced blocks kept for prompt-prefix reuse").set(Double(now.kvBlocksCached))
        gauge("kv_blocks", "Key/value cache blocks in all").set(Double(now.kvBlocksTotal))
        gauge("generated_tokens_per_second", "Generated tokens per second over the last few seconds")
            .set(now.recentGeneratedTokensPerSecond)
        let before = previous.withLock { last in
            defer { last = now }
            return last
        }
        let totals: [(String, String, KeyPath<EngineMetrics, Int>)] = [
            ("requests_submitted", "Requests accepted into the engine's queue", \.requestsSubmitted),
            ("requests_rejected", "Requests refused because the queue was full (HTTP 429)", \.requestsRejected),
            ("requests_finished", "Requests finished, for any reason", \.requestsFinished),
            ("prompt_tokens", "Prompt tokens of admitted requests", \.promptTokens),
            ("prefix_cache_hit_tokens", "Prompt tokens served from the prefix cache", \.prefixCacheHitTokens),
            ("generated_tokens", "Tokens generated", \.generatedTokens),
            ("computed_tokens", "Tokens run through forward passes, recomputation included", \.computedTokens),
            ("steps", "Batched forward passes", \.steps),
            ("preemptions", "Sequences preempted under cache pressure and recomputed", \.preemptions),
        ]
        for (name, help, path) in totals {
            let delta = now[keyPath: path] - (before?[keyPath: path] ?? 0)
            let counter = registry.makeCounter(
                descriptor: .init(namespace: "warden", subsystem: "engine", metricName: name, unitName: "total",
                                  helpText: help))
            if delta > 0 { counter.increment(by: Int64(delta)) }
        }
    }

    private func gauge(_ name: String, _ help: String) -> Gauge {
        registry.makeGauge(
            descriptor: .init(namespace: "warden", subsystem: "engine", metricName: name, unitName: "", helpText: help))
    }
}
