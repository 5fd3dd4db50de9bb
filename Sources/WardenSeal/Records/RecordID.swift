import Crypto

/// Record identifiers: 128 random bits written as 32 lowercase hex digits.
///
/// Random rather than sequential so an id in the audit log reveals nothing about volume or order, and so ids from two
/// stores never collide in practice.
public enum RecordID {
    /// Makes a new random identifier.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return hex(high) + hex(low)
    }

    /// Checks an identifier from untrusted input (CLI flags, API paths) before it reaches SQL or the AAD.
    public static func validate(_ candidate: String) throws(SealError) {
        let bytes = candidate.utf8
        guard bytes.count == 32, bytes.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw SealError(.invalidRecordID, "a record id is 32 lowercase hex digits")
        }
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
