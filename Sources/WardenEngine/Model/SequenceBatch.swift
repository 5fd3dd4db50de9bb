/// One sequence's part of a forward pass: new tokens to append at the end of its cache slot.
///
/// A batch holds any mix of sequences: a prompt being prefilled (many tokens) beside others decoding (one token
/// each), each at its own position with its own cache slot.
public struct SequenceStep: @unchecked Sendable {
    /// The tokens to process, placed at positions `slot.length ..< slot.length + tokens.count`.
    public var tokens: [Int32]
    /// The sequence's key/value cache; its length grows by `tokens.count`.
    public var slot: KVCacheSlot
    /// Whether to return the logits after the last token (false for a prompt chunk that is not the last).
    public var wantsLogits: Bool

    public init(tokens: [Int32], slot: KVCacheSlot, wantsLogits: Bool = true) {
        self.tokens = tokens
        self.slot = slot
        self.wantsLogits = wantsLogits
    }
}
