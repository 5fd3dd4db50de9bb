/// What a shred did.
public struct ShredReport: Sendable, Hashable {
    /// Records whose data keys were destroyed, in the order processed.
    public var shreddedRecordIDs: [String] = []
    /// How many audit events were recorded (one per batch).
    public var events: Int = 0

    /// An empty report.
    public init() {}

    /// Combines two passes' results.
    mutating func merge(_ other: ShredReport) {
        shreddedRecordIDs += other.shreddedRecordIDs
        events += other.events
    }
}
