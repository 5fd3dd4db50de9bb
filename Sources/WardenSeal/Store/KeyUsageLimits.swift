/// When a KEK version must stop being used.
///
/// Each seal wraps its data key under the primary KEK with a random 96-bit nonce, so the KEK is what NIST SP 800-38D
/// §8.3 limits to 2^32 invocations. Warden rotates at 2^30 uses (a quarter of the limit, where the chance of any
/// nonce collision is below 2^-33) and refuses to wrap past 2^31, whatever happens to rotation.
public struct KeyUsageLimits: Sendable, Hashable {
    /// Uses after which the store rotates a writable key ring (a read-only ring keeps working and reports it).
    public var rotateAt: UInt64
    /// Uses at which the store refuses to wrap with that version at all.
    public var refuseAt: UInt64
    /// How many uses are reserved in the database at a time. A restart forgets the unused part of a block, which only
    /// overcounts, so the persisted count is always at least the real one.
    public var reservationBlock: UInt64

    /// 2^30 / 2^31 / 65,536: one durable counter write per 65,536 seals.
    public static let standard = KeyUsageLimits(rotateAt: 1 << 30, refuseAt: 1 << 31, reservationBlock: 1 << 16)

    /// Creates limits; the store refuses limits outside `0 < reservationBlock`, `0 < rotateAt < refuseAt <= 2^31`.
    public init(rotateAt: UInt64, refuseAt: UInt64, reservationBlock: UInt64) {
        self.rotateAt = rotateAt
        self.refuseAt = refuseAt
        self.reservationBlock = reservationBlock
    }

    func validate() throws(SealError) {
        guard reservationBlock > 0, rotateAt > 0, rotateAt < refuseAt, refuseAt <= 1 << 31 else {
            throw SealError(.invalidArgument, "key usage limits must satisfy 0 < rotateAt < refuseAt <= 2^31 and a positive block")
        }
    }
}
