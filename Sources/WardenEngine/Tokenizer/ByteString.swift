/// A token's exact bytes, used as a dictionary key.
///
/// Swift `String` equality and hashing follow Unicode canonical equivalence, so "é" and "e\u{301}" would collide even
/// though a vocabulary may hold both as different tokens; llama.cpp compares bytes, and so must we.
struct ByteString: Hashable, Sendable {
    var bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }
    init(_ bytes: ArraySlice<UInt8>) { self.bytes = Array(bytes) }
    init(_ string: String) { self.bytes = Array(string.utf8) }

    static func == (lhs: ByteString, rhs: ByteString) -> Bool { lhs.bytes == rhs.bytes }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
