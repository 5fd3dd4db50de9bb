/// Iteration-level scheduling (as in Orca and vLLM) on the engine's compute thread.
///
/// Every step: drop cancelled and expired sequences (their blocks are freed before anything is computed), admit
/// waiting requests while the running set and the free blocks allow, then build ONE batch in which every decoding
/// sequence contributes its next token and prompts are prefilled in chunks under the step's token budget (so a long
/// prompt never stalls the decoders), run one forward pass for all of it, and sample each sequence's next token with
/// its own sampler. When a sequence needs a block and none is left, the most recently admitted sequence is preempted:
/// its blocks are freed and it goes back to the front of the queue, to be recomputed later (prompt and generated
/// tokens, through the prefix cache when its blocks are still there) without re-emitting what it already streamed.
///
/// Because every kernel gives a row the same result whatever else is in the batch, and the cache holds the same
/// values whether computed in one chunk or many, shared or recomputed, a sequence produces exactly the tokens it
/// would produce alone. Not thread-safe: only the compute thread calls it (the queue and metrics are locked).
final class BatchScheduler: @unchecked Sendable {
    let transformer: TransformerModel
    let pool: KVBlockPool
    let queue: RequestQueue
    let metrics: MetricsRecorder
    let configuration: EngineConfiguration
    /// Positions one sequence may use.
    let contextCapacity: Int
    /// Running sequences in admission order (oldest first); the queue learns their number for its bound.
    var running: [GenerationRequest] = [] {
        didSet { queue.setRunningCount(running.count) }
    }
    var admissions: UInt64 = 0

    init(transformer: TransformerModel, pool: KVBlockPool, configuration: EngineConfiguration, contextCapacity: Int) {
        self.transformer = transformer
        self.pool = pool
        self.configuration = configuration
        self.contextCapacity = contextCapacity
        queue = RequestQueue(limit: configuration.maxQueuedRequests, maxRunning: configuration.maxRunningSequences)
        metrics = MetricsRecorder(blockSize: pool.blockSize, blockCount: pool.blockCount, cacheBytes: pool.byteCount)
    }

    /// One scheduler iteration; returns whether work remains.
    func step() -> Bool {
        let now = ContinuousClock.now
        dropCancelledAndExpired(now: now)
        admitWaiting(now: now)
        guard !running.isEmpty else {
            metrics.poolChanged(pool, running: 0)
            return queue.count > 0
        }
        let plan = planBatch()
        guard !plan.isEmpty else {
            metrics.poolChanged(pool, running: running.count)
            return !running.isEmpty || queue.count > 0
        }
        runBatch(plan)
        return !running.isEmpty || queue.count > 0
    }

    /// One sequence's share of a step: `count` tokens from position `request.computed`.
    struct PlannedStep {
        let request: GenerationRequest
        let count: Int
    }

    /// Decoders first (one token each), then prompt chunks in admission order under the token budget; blocks are
    /// allocated here, preempting the most recently admitted sequences when the pool runs dry.
    private func planBatch() -> [PlannedStep] {
        var budget = configuration.maxBatchTokens
        var wanted: [(GenerationRequest, Int)] = []
        for request in running where request.isDecoding && budget > 0 {
            wanted.append((request, 1))
            budget -= 1
        }
        for request in running where !request.isDecoding && budget > 0 {
            let count = min(request.tokens.count - request.computed, configuration.prefillChunk, budget)
            guard count > 0 else { continue }
            wanted.append((request, count))
            budget -= count
        }
        // Oldest first, so the oldest sequences keep their blocks and always make progress.
        wanted.sort { $0.0.admissionOrder < $1.0.admissionOrder }
        var plan: [PlannedStep] = []
        for (request, count) in wanted {
            guard running.contains(where: { $0 === request }) else { continue }  // preempted meanwhile
            guard ensureBlocks(for: request, positions: request.computed + count) else { continue }
            // The invariant that keeps shared prefixes intact: the first block written is the sequence's own.
            let written = request.blocks[request.computed / pool.blockSize]
            precondition(
                pool.referenceCount(written) == 1 && !pool.isRegistered(written), "a shared KV block would be written")
            plan.append(PlannedStep(request: request, count: count))
        }
        return plan.filter { step in running.contains { $0 === step.request } }
    }

    /// Gives `request` blocks for `positions` positions, preempting the most recently admitted sequences (possibly
    /// `request` itself) while the pool has none. Returns false when `request` was preempted.
    private func ensureBlocks(for request: GenerationRequest, positions: Int) -> Bool {
        let needed = (positions + pool.blockSize - 1) / pool.blockSize
        while request.blocks.count < needed {
            if let block = pool.allocate() {
                request.blocks.append(block)
                continue
            }
            guard let victim = running.max(by: { $0.admissionOrder < $1.admissionOrder }) else { return false }
            preempt(victim)
            if victim === request { return false }
        }
        return true
    }

    private func runBatch(_ plan: [PlannedStep]) {
        let sequences = plan.map { step in
            let r = step.request
            return ForwardSequence(
                tokens: Array(r.tokens[r.computed..<(r.computed + step.count)]), position: r.computed,
                cache: .paged(blocks: r.blocks), wantsLogits: r.computed + step.count == r.tokens.count)
        }
        var sampled: [(GenerationRequest, SampledChoice)] = []
        do {
            try transformer.forward(sequences) { index, logits in
                let request = plan[index].request
                sampled.append((request, Self.sample(&request.sampler, logits)))
            }
        } catch {
            for step in plan { finish(step.request, with: .failure(error)) }
            return
        }
        let now = ContinuousClock.now
        var computedTokens = 0
        for step in plan {
            step.request.computed += step.count
            computedTokens += step.count
            registerFullBlocks(of: step.request)
        }
        // Counted before any delivery, so a caller woken by its last token already sees this step in the metrics.
        let emitting = sampled.filter { !$0.0.parameters.stopTokenIDs.contains($0.1.id) }.count
        metrics.step(computed: computedTokens, generated: emitting, pool: pool, running: running.count)
        for (request, choice) in sampled {
            if request.promptFinished == nil { request.promptFinished = now }
            deliver(choice, to: request, now: now)
        }
        metrics.poolChanged(pool, running: running.count)
    }

    /// Registers the sequence's newly filled blocks under their prefix digests so later prompts can share them.
    private func registerFullBlocks(of request: GenerationRequest) {
        guard configuration.prefixCaching else { return }
        let size = pool.blockSize
        while (request.registeredBlocks + 1) * size <= request.computed {
            let start = request.registeredBlocks * size
            let key = PrefixBlockKey(parent: request.chainDigest, tokens: Array(request.tokens[start..<(start + size)]))
            pool.register(request.blocks[request.registeredBlocks], as: key)
            request.chainDigest = key.digest
            request.registeredBlocks += 1
        }
    }
}
