import Foundation

/// Keeps `EngineMetrics` up to date: the compute thread records, any thread reads a snapshot.
final class MetricsRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var metrics: EngineMetrics
    /// (time, tokens generated in that step) of recent steps, for the recent tokens/s.
    private var recentSteps: [(at: ContinuousClock.Instant, tokens: Int)] = []
    private let window: Duration = .seconds(5)
    /// Mean seconds from admission to finish of recent requests, for the retry-after estimate.
    private var meanServiceSeconds = 1.0

    init(blockSize: Int, blockCount: Int, cacheBytes: Int) {
        metrics = EngineMetrics(
            queuedRequests: 0, runningSequences: 0, kvBlocksUsed: 0, kvBlocksTotal: blockCount, kvBlocksCached: 0,
            kvBlockSize: blockSize, kvCacheBytes: cacheBytes, requestsSubmitted: 0, requestsRejected: 0,
            requestsFinished: 0, promptTokens: 0, prefixCacheHitTokens: 0, generatedTokens: 0, computedTokens: 0,
            steps: 0, preemptions: 0, recentGeneratedTokensPerSecond: 0, recentTimesToFirstToken: [],
            timeToFirstTokenSum: 0, timeToFirstTokenCount: 0)
    }

    func snapshot(queued: Int) -> EngineMetrics {
        lock.withLock {
            var copy = metrics
            copy.queuedRequests = queued
            let now = ContinuousClock.now
            let recent = recentSteps.filter { now - $0.at <= window }
            if let oldest = recent.first?.at, recent.count > 1 {
                let span = Self.seconds(now - oldest)
                let tokens = recent.dropFirst().reduce(0) { $0 + $1.tokens }
                copy.recentGeneratedTokensPerSecond = span > 0 ? Double(tokens) / span : 0
            }
            return copy
        }
    }

    func submitted() { lock.withLock { metrics.requestsSubmitted += 1 } }
    func rejected() { lock.withLock { metrics.requestsRejected += 1 } }
    func preempted() { lock.withLock { metrics.preemptions += 1 } }

    func admitted(promptTokens: Int, cachedTokens: Int) {
        lock.withLock {
            metrics.promptTokens += promptTokens
            metrics.prefixCacheHitTokens += cachedTokens
        }
    }

    func step(computed: Int, generated: Int, pool: KVBlockPool, running: Int) {
        lock.withLock {
            metrics.steps += 1
            metrics.computedTokens += computed
            metrics.generatedTokens += generated
            updatePool(pool, running: running)
            let now = ContinuousClock.now
            recentSteps.append((now, generated))
            if let first = recentSteps.first, now - first.at > window * 2 {
                recentSteps.removeAll { now - $0.at > window }
            }
        }
    }

    func poolChanged(_ pool: KVBlockPool, running: Int) { lock.withLock { updatePool(pool, running: running) } }

    func firstToken(after seconds: Double) {
        lock.withLock {
            metrics.recentTimesToFirstToken.append(seconds)
            if metrics.recentTimesToFirstToken.count > 256 { metrics.recentTimesToFirstToken.removeFirst() }
            metrics.timeToFirstTokenSum += seconds
            metrics.timeToFirstTokenCount += 1
        }
    }

    func finished(serviceSeconds: Double?) {
        lock.withLock {
            metrics.requestsFinished += 1
            if let serviceSeconds { meanServiceSeconds = 0.8 * meanServiceSeconds + 0.2 * serviceSeconds }
        }
    }

    /// Whole seconds until a queue of `queued` requests, served `parallel` at a time, likely has room (1...60).
    func retryAfter(queued: Int, parallel: Int) -> Int {
        let mean = lock.withLock { meanServiceSeconds }
        let estimate = mean * Double(queued) / Double(max(parallel, 1))
        return max(1, min(60, Int(estimate.rounded(.up))))
    }

    private func updatePool(_ pool: KVBlockPool, running: Int) {
        metrics.runningSequences = running
        metrics.kvBlocksUsed = pool.usedBlockCount
        metrics.kvBlocksCached = pool.cachedBlockCount
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
