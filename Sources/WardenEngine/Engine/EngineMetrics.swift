/// A snapshot of the engine's load and history, for `/readyz`, Prometheus metrics and benchmarks.
///
/// Counters only grow; the gateway turns them into rates, and `recentTimesToFirstToken` into a histogram.
public struct EngineMetrics: Sendable, Equatable {
    /// Requests waiting for admission (preempted ones included).
    public var queuedRequests: Int
    /// Sequences in the running batch.
    public var runningSequences: Int
    /// Cache blocks referenced by running sequences, and in all.
    public var kvBlocksUsed: Int
    public var kvBlocksTotal: Int
    /// Unreferenced blocks kept for prompt-prefix reuse (evicted first come first served when space is needed).
    public var kvBlocksCached: Int
    /// Positions per block.
    public var kvBlockSize: Int
    /// Bytes of the block pool.
    public var kvCacheBytes: Int
    /// Requests accepted, refused because the queue was full, and finished (any reason, errors included).
    public var requestsSubmitted: Int
    public var requestsRejected: Int
    public var requestsFinished: Int
    /// Prompt tokens of admitted requests, and those of them served from the prefix cache instead of computed.
    public var promptTokens: Int
    public var prefixCacheHitTokens: Int
    /// Tokens generated (streamed to callers).
    public var generatedTokens: Int
    /// Tokens run through forward passes (prompt chunks, decoding steps and recomputation after preemption).
    public var computedTokens: Int
    /// Forward passes (scheduler steps) run.
    public var steps: Int
    /// Sequences preempted under memory pressure (and recomputed later).
    public var preemptions: Int
    /// Generated tokens per second over the last few seconds (0 when idle).
    public var recentGeneratedTokensPerSecond: Double
    /// Seconds from submission to first token of the most recent requests, oldest first (at most 256).
    public var recentTimesToFirstToken: [Double]
    /// Sum and count of all times to first token, for a mean since start.
    public var timeToFirstTokenSum: Double
    public var timeToFirstTokenCount: Int

    /// Mean time to first token since start (0 before the first).
    public var meanTimeToFirstToken: Double {
        timeToFirstTokenCount > 0 ? timeToFirstTokenSum / Double(timeToFirstTokenCount) : 0
    }
}
