/// The identity of a full cache block of tokens: the digest of every token before it (its parent chain) plus its own
/// tokens, compared exactly.
///
/// Why a keyed digest: the chain digest is two SipHash values from Swift's `Hasher`, which is seeded at random per
/// process, so no client can craft a prompt whose prefix collides with another team's to read its cached keys and
/// values; the block's own tokens are compared exactly on top.
struct PrefixBlockKey: Hashable, Sendable {
    /// Digest of all tokens before this block; the scope's root (`PrefixDigest.root` engine-wide) for a first block.
    let parent: PrefixDigest
    /// The block's tokens.
    let tokens: [Int32]

    /// The digest a child block uses as its parent: this block's parent chain followed by its tokens.
    var digest: PrefixDigest { PrefixDigest(parent: parent, tokens: tokens) }
}

/// A 128-bit keyed digest of a token prefix.
struct PrefixDigest: Hashable, Sendable {
    let high: UInt64
    let low: UInt64

    static let root = PrefixDigest(high: 0, low: 0)

    /// The root of a prefix-sharing scope (e.g. one team): prefixes under different scopes never match.
    init(scope: String) {
        func lane(_ salt: UInt64) -> UInt64 {
            var hasher = Hasher()
            hasher.combine(salt)
            hasher.combine(scope)
            return UInt64(bitPattern: Int64(hasher.finalize()))
        }
        high = lane(0x5761_7264_656E_0003)
        low = lane(0x5761_7264_656E_0004)
    }

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    init(parent: PrefixDigest, tokens: [Int32]) {
        func lane(_ salt: UInt64) -> UInt64 {
            var hasher = Hasher()
            hasher.combine(salt)
            hasher.combine(parent.high)
            hasher.combine(parent.low)
            hasher.combine(tokens)
            return UInt64(bitPattern: Int64(hasher.finalize()))
        }
        high = lane(0x5761_7264_656E_0001)
        low = lane(0x5761_7264_656E_0002)
    }
}
