import Crypto
import Foundation

/// The key ring's serialised form (`warden-keyring/v1`), a small JSON document:
///
///     {"format":"warden-keyring/v1","primary":2,"retired":[],
///      "keys":[{"version":1,"created":"2026-11-23T13:00:00Z","material":"<base64, 32 bytes>","check":"<16 hex>"}, ...]}
///
/// `check` is ``KeyEncryptionKey/checkValue``; loading recomputes it, so a damaged key is refused instead of silently
/// failing to open every record later.
extension KeyRing {
    /// The largest key ring document accepted.
    static let maximumEncodedSize = 1 << 20
    static let formatName = "warden-keyring/v1"

    private struct Document: Codable {
        var format: String
        var primary: UInt32
        var retired: [UInt32]
        var keys: [Entry]
    }

    private struct Entry: Codable {
        var version: UInt32
        var created: String
        var material: String
        var check: String
    }

    /// Encodes the ring; the result holds key material and must be written only to a 0600 file.
    func encoded() -> Data {
        let document = Document(
            format: Self.formatName,
            primary: primaryVersion,
            retired: retiredVersions,
            keys: keys.map { key in
                Entry(
                    version: key.version,
                    created: Self.timestamp(key.createdAt),
                    material: key.key.withUnsafeBytes { Data($0).base64EncodedString() },
                    check: key.checkValue
                )
            }
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and integers cannot fail.
        return (try? encoder.encode(document)) ?? Data()
    }

    /// Decodes and checks a ring from untrusted bytes. `origin` names the source in error messages.
    static func decode(_ data: Data, origin: String) throws(SealError) -> KeyRing {
        guard data.count <= maximumEncodedSize else {
            throw SealError(.keyRingCorrupt, "\(origin): key ring is \(data.count) bytes, more than \(maximumEncodedSize)")
        }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch {
            throw SealError(.keyRingCorrupt, "\(origin): not a \(formatName) document")
        }
        guard document.format == formatName else {
            throw SealError(.keyRingCorrupt, "\(origin): unsupported format \"\(document.format.prefix(40))\"")
        }
        guard !document.keys.isEmpty, document.keys.count <= maximumVersions, document.retired.count <= 1 << 20 else {
            throw SealError(.keyRingCorrupt, "\(origin): key ring must hold 1...\(maximumVersions) versions")
        }
        var seen = Set<UInt32>()
        var keys: [KeyEncryptionKey] = []
        for entry in document.keys {
            guard entry.version > 0, seen.insert(entry.version).inserted else {
                throw SealError(.keyRingCorrupt, "\(origin): version \(entry.version) is zero or repeated")
            }
            guard let material = Data(base64Encoded: entry.material), material.count == 32 else {
                throw SealError(.keyRingCorrupt, "\(origin): version \(entry.version) does not hold 32 bytes of key material")
            }
            let key = SymmetricKey(data: material)
            guard KeyEncryptionKey.checkValue(of: key) == entry.check else {
                throw SealError(.keyRingCorrupt, "\(origin): version \(entry.version) fails its check value (damaged key)")
            }
            guard let created = parseTimestamp(entry.created) else {
                throw SealError(.keyRingCorrupt, "\(origin): version \(entry.version) has an unreadable creation time")
            }
            keys.append(KeyEncryptionKey(version: entry.version, createdAt: created, key: key))
        }
        guard seen.contains(document.primary) else {
            throw SealError(.keyRingCorrupt, "\(origin): primary version \(document.primary) is not in the ring")
        }
        guard seen.isDisjoint(with: document.retired) else {
            throw SealError(.keyRingCorrupt, "\(origin): a version is both held and retired")
        }
        return KeyRing(primaryVersion: document.primary, keys: keys, retiredVersions: document.retired)
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    private static func parseTimestamp(_ text: String) -> Date? {
        try? Date(text, strategy: Date.ISO8601FormatStyle())
    }
}
