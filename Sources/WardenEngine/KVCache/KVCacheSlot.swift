/// The key/value cache of one sequence: for each layer, `capacity` rows of `kvHeads * headDimension` fp16 values
/// (half the memory of floats, and the precision llama.cpp keeps by default).
///
/// One slot per running sequence; the next issue replaces this contiguous layout with fixed-size pages and block
/// tables, behind the same role (`AttentionRow` already addresses rows through a base pointer and a range).
public final class KVCacheSlot: @unchecked Sendable {
    /// Positions the slot can hold.
    public let capacity: Int
    /// Positions filled so far; the next token's position.
    public internal(set) var length: Int = 0
    let rowWidth: Int
    private let keys: [UnsafeMutablePointer<UInt16>]
    private let values: [UnsafeMutablePointer<UInt16>]

    /// Allocates room for `capacity` positions of a model with `hyperparameters`.
    public init(hyperparameters: ModelHyperparameters, capacity: Int) {
        self.capacity = max(1, capacity)
        rowWidth = hyperparameters.kvHeadCount * hyperparameters.headDimension
        let count = self.capacity * rowWidth
        keys = (0..<hyperparameters.layerCount).map { _ in
            // Left uninitialised on purpose: pages are only touched (and so only count against memory) once
            // positions are written, and rows are never read before they are written.
            UnsafeMutablePointer<UInt16>.allocate(capacity: count)
        }
        values = (0..<hyperparameters.layerCount).map { _ in
            UnsafeMutablePointer<UInt16>.allocate(capacity: count)
        }
    }

    deinit {
        keys.forEach { $0.deallocate() }
        values.forEach { $0.deallocate() }
    }

    /// Forgets every cached position, so the slot can serve a new sequence.
    public func reset() { length = 0 }

    /// Drops positions from `newLength` on (e.g. to reuse a shared prompt prefix).
    public func truncate(to newLength: Int) { length = max(0, min(length, newLength)) }

    /// Bytes the slot holds.
    public var byteCount: Int { 2 * keys.count * capacity * rowWidth * MemoryLayout<UInt16>.stride }

    func keyRows(layer: Int) -> UnsafeMutablePointer<UInt16> { keys[layer] }
    func valueRows(layer: Int) -> UnsafeMutablePointer<UInt16> { values[layer] }
}
