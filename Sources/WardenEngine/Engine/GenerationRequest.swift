/// One request's state in the scheduler: what it asked for, what it has produced, and where its cache lives.
///
/// Created on the submitting thread; after submission every mutable field is touched only on the compute thread.
final class GenerationRequest: @unchecked Sendable {
    let prompt: [Int32]
    let parameters: SamplingParameters
    let deadline: ContinuousClock.Instant?
    let submitted: ContinuousClock.Instant
    let sink: RequestSink
    let cancellation: CancellationFlag

    /// Prompt followed by the tokens generated so far: what the cache must hold (all but the last generated token
    /// while decoding; all of it is recomputed after a preemption).
    var tokens: [Int32]
    var sampler: TokenSampler
    var generatedCount = 0
    /// Blocks holding positions `0 ..< blocks.count * blockSize`; the leading ones may be shared.
    var blocks: [Int32] = []
    /// Positions whose keys and values are in the cache.
    var computed = 0
    /// Leading full blocks already known to the prefix cache (looked up or registered), and their chain digest.
    var registeredBlocks = 0
    var chainDigest: PrefixDigest
    /// Where this request's prefix chain starts: its sharing scope's root.
    let rootDigest: PrefixDigest
    /// Order of the latest admission (the most recent admission is preempted first).
    var admissionOrder: UInt64 = 0

    var firstAdmitted: ContinuousClock.Instant?
    var promptFinished: ContinuousClock.Instant?
    var firstToken: ContinuousClock.Instant?
    var cachedPromptTokens = 0
    var preemptions = 0

    init(
        prompt: [Int32], parameters: SamplingParameters, deadline: ContinuousClock.Instant?, sink: RequestSink,
        cancellation: CancellationFlag, prefixCacheScope: String? = nil
    ) {
        rootDigest = prefixCacheScope.map { PrefixDigest(scope: $0) } ?? .root
        chainDigest = rootDigest
        self.prompt = prompt
        self.parameters = parameters
        self.deadline = deadline
        self.sink = sink
        self.cancellation = cancellation
        submitted = ContinuousClock.now
        tokens = prompt
        sampler = TokenSampler(parameters: parameters)
    }

    /// Whether the next step feeds one generated token (rather than prompt or recomputed tokens).
    var isDecoding: Bool { computed == tokens.count - 1 && generatedCount > 0 }
}
