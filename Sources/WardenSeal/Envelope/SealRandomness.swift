import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The random values one seal needs — record id, data key, two nonces — drawn with a single `getentropy` (getrandom) call.
///
/// swift-crypto draws each nonce and key with its own system call; on a loaded machine those calls were about a third
/// of a 4 KiB seal's cost. The kernel CSPRNG is the same source; the buffer holding the data key is zeroed after use.
struct SealRandomness: ~Copyable {
    private static let recordIDBytes = 16
    private static let dataKeyBytes = 32
    private static let nonceBytes = 12
    private static let total = recordIDBytes + dataKeyBytes + 2 * nonceBytes

    private let bytes: UnsafeMutableRawBufferPointer

    init() {
        bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.total, alignment: 8)
        Self.fill(bytes)
    }

    deinit {
        #if canImport(Glibc)
        explicit_bzero(bytes.baseAddress!, bytes.count)  // not elided like a plain store before free
        #else
        for index in bytes.indices { bytes[index] = 0 }
        #endif
        bytes.deallocate()
    }

    /// 32 lowercase hex digits.
    var recordID: String {
        let hexDigits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(Self.recordIDBytes * 2)
        for byte in bytes[0..<Self.recordIDBytes] {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    var dataKey: SymmetricKey {
        SymmetricKey(data: UnsafeRawBufferPointer(rebasing: bytes[Self.recordIDBytes..<(Self.recordIDBytes + Self.dataKeyBytes)]))
    }

    var contentNonce: AES.GCM.Nonce { nonce(at: Self.recordIDBytes + Self.dataKeyBytes) }
    var wrapNonce: AES.GCM.Nonce { nonce(at: Self.recordIDBytes + Self.dataKeyBytes + Self.nonceBytes) }

    private func nonce(at offset: Int) -> AES.GCM.Nonce {
        // 12 bytes is always a valid GCM nonce length.
        try! AES.GCM.Nonce(data: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + Self.nonceBytes)]))
    }

    private static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        #if canImport(Glibc)
        // getentropy(3) is getrandom(2) for at most 256 bytes; it blocks only before the kernel pool is seeded.
        if getentropy(buffer.baseAddress!, buffer.count) == 0 { return }
        #endif
        var generator = SystemRandomNumberGenerator()
        for index in buffer.indices { buffer[index] = generator.next() }
    }
}
