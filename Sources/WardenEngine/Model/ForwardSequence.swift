/// Where one sequence's keys and values live during a forward pass.
enum SequenceCache {
    /// A contiguous per-sequence slot (the public `forward(_:)` entry point, tests and reference code).
    case contiguous(KVCacheSlot)
    /// Blocks of the engine's `KVBlockPool`; position p lives in `blocks[p / blockSize]`.
    case paged(blocks: [Int32])
}

/// One sequence's part of a forward pass as the model sees it: `tokens` placed at positions
/// `position ..< position + tokens.count` of its cache.
struct ForwardSequence {
    var tokens: [Int32]
    var position: Int
    var cache: SequenceCache
    /// Whether to hand back the logits after the last token.
    var wantsLogits: Bool
}
