/// Admission, preemption, token delivery and finishing: every place a sequence enters or leaves the running batch,
/// so block accounting lives in one file.
extension BatchScheduler {
    /// Finishes cancelled sequences and those past their deadline, running or waiting, freeing their blocks.
    func dropCancelledAndExpired(now: ContinuousClock.Instant) {
        func expired(_ request: GenerationRequest) -> Bool { request.deadline.map { now >= $0 } ?? false }
        for request in running where request.cancellation.isSet || expired(request) {
            endEarly(request)
        }
        let dropped = queue.removeAll { $0.cancellation.isSet || expired($0) }
        for request in dropped { endEarly(request) }
    }

    /// Ends a cancelled or expired request: cancelled ones finish with `.cancelled`; expired ones finish with
    /// `.deadline` when they produced tokens, else fail with `deadlineExceeded`.
    private func endEarly(_ request: GenerationRequest) {
        if request.cancellation.isSet {
            finish(request, reason: .cancelled)
        } else if request.generatedCount > 0 {
            finish(request, reason: .deadline)
        } else {
            finish(request, with: .failure(EngineError(.deadlineExceeded, "the request's deadline passed before its first token")))
        }
    }

    /// Admits waiting requests, first come first served, while the running set has room and the pool has blocks for
    /// the whole remaining prompt; full prompt blocks already in the prefix cache are shared, not recomputed.
    func admitWaiting(now: ContinuousClock.Instant) {
        let size = pool.blockSize
        while running.count < configuration.maxRunningSequences, let request = queue.first {
            if request.parameters.maxTokens == 0 && request.generatedCount == 0 {
                queue.removeFirst()
                request.firstAdmitted = now
                finish(request, reason: .length)
                continue
            }
            var matched: [Int32] = []
            var digest = request.rootDigest
            if configuration.prefixCaching {
                // At least one token is always computed, so the last prompt position yields logits.
                for index in 0..<((request.tokens.count - 1) / size) {
                    let key = PrefixBlockKey(
                        parent: digest, tokens: Array(request.tokens[(index * size)..<((index + 1) * size)]))
                    guard let block = pool.lookup(key) else { break }
                    matched.append(block)
                    digest = key.digest
                }
            }
            // Beside running sequences, keep a few blocks spare for their growth, so a new admission is not
            // preempted again at once (vLLM's watermark).
            let spare = running.isEmpty ? 0 : max(1, pool.blockCount / 100)
            let needed = (request.tokens.count + size - 1) / size - matched.count + spare
            let matchedIdle = matched.filter { pool.referenceCount($0) == 0 }.count
            guard pool.availableBlockCount - matchedIdle >= needed else { break }
            queue.removeFirst()
            for block in matched { pool.retain(block) }
            request.blocks = matched
            request.computed = matched.count * size
            request.registeredBlocks = matched.count
            request.chainDigest = digest
            admissions += 1
            request.admissionOrder = admissions
            if request.firstAdmitted == nil {
                request.firstAdmitted = now
                request.cachedPromptTokens = request.computed
                metrics.admitted(promptTokens: request.prompt.count, cachedTokens: request.computed)
            }
            running.append(request)
        }
    }

    /// Frees `victim`'s blocks and puts it back at the front of the queue; it keeps its generated tokens and sampler,
    /// and is recomputed on readmission.
    func preempt(_ victim: GenerationRequest) {
        releaseBlocks(of: victim)
        victim.preemptions += 1
        running.removeAll { $0 === victim }
        queue.requeueAtFront(victim)
        metrics.preempted()
    }

    /// Hands a sampled token to its request: ends it on a stop token, else streams the token and ends it on
    /// cancellation, `maxTokens` or a full context.
    func deliver(_ choice: SampledChoice, to request: GenerationRequest, now: ContinuousClock.Instant) {
        if request.parameters.stopTokenIDs.contains(choice.id) {
            finish(request, reason: .stop, stopToken: choice.id)
            return
        }
        request.tokens.append(choice.id)
        request.generatedCount += 1
        if request.firstToken == nil {
            request.firstToken = now
            metrics.firstToken(after: MetricsRecorder.seconds(now - request.submitted))
        }
        let token = choice.generatedToken(index: request.generatedCount - 1)
        guard !request.cancellation.isSet, request.sink.token(token) else {
            finish(request, reason: .cancelled)
            return
        }
        if request.generatedCount >= request.parameters.maxTokens || request.tokens.count > contextCapacity {
            finish(request, reason: .length)
        }
    }

    func finish(_ request: GenerationRequest, reason: FinishReason, stopToken: Int32? = nil) {
        let now = ContinuousClock.now
        func seconds(_ from: ContinuousClock.Instant?, _ to: ContinuousClock.Instant?) -> Double {
            guard let from, let to else { return 0 }
            return MetricsRecorder.seconds(to - from)
        }
        let summary = GenerationSummary(
            promptTokens: request.prompt.count, generatedTokens: request.generatedCount, finishReason: reason,
            promptSeconds: seconds(request.firstAdmitted, request.promptFinished),
            generationSeconds: seconds(request.firstToken, request.firstToken == nil ? nil : now), stopToken: stopToken,
            cachedPromptTokens: request.cachedPromptTokens,
            timeToFirstToken: seconds(request.submitted, request.firstToken),
            queueSeconds: seconds(request.submitted, request.firstAdmitted), preemptions: request.preemptions)
        finish(request, with: .success(summary))
    }

    /// Frees the request's blocks, removes it from the batch and delivers its outcome.
    func finish(_ request: GenerationRequest, with outcome: Result<GenerationSummary, EngineError>) {
        releaseBlocks(of: request)
        running.removeAll { $0 === request }
        // Metrics first, so a caller woken by the outcome already sees the blocks freed.
        metrics.finished(serviceSeconds: request.firstAdmitted.map { MetricsRecorder.seconds(ContinuousClock.now - $0) })
        metrics.poolChanged(pool, running: running.count)
        request.sink.finish(outcome)
    }

    /// Releases deepest blocks first, so a prefix's first blocks are the last to be evicted from the cache.
    private func releaseBlocks(of request: GenerationRequest) {
        for block in request.blocks.reversed() { pool.release(block) }
        request.blocks = []
        request.computed = 0
        request.registeredBlocks = 0
        request.chainDigest = request.rootDigest
    }

    /// Fails every running and waiting request (the engine is going away with work left).
    func failAll(_ error: EngineError) {
        for request in running { finish(request, with: .failure(error)) }
        while let request = queue.removeFirst() { finish(request, with: .failure(error)) }
    }
}
