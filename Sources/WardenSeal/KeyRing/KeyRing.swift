import Foundation

/// A set of KEK versions with one primary: new records are wrapped with the primary; every version still held can unwrap.
///
/// A value type: operations return a new ring, and ``KeyRingAdministration`` persists it. Version numbers only grow;
/// retired numbers are remembered so a version can never be reused for a different key.
public struct KeyRing: Sendable {
    /// The version new records are wrapped with.
    public private(set) var primaryVersion: UInt32
    /// The versions held, oldest first.
    public private(set) var keys: [KeyEncryptionKey]
    /// Versions that existed and were retired; they cannot unwrap anything any more.
    public private(set) var retiredVersions: [UInt32]

    /// The most versions a ring may hold, so a hostile key file cannot make loading expensive.
    public static let maximumVersions = 4096

    init(primaryVersion: UInt32, keys: [KeyEncryptionKey], retiredVersions: [UInt32]) {
        self.primaryVersion = primaryVersion
        self.keys = keys.sorted { $0.version < $1.version }
        self.retiredVersions = retiredVersions.sorted()
    }

    /// A new ring with a single random version 1.
    public static func generate(now: Date = Date()) -> KeyRing {
        KeyRing(primaryVersion: 1, keys: [.generate(version: 1, now: now)], retiredVersions: [])
    }

    /// The primary key. A ring always holds its primary (checked when loading).
    public var primary: KeyEncryptionKey {
        keys.first { $0.version == primaryVersion }!
    }

    /// The key with `version`, or `nil` if the ring does not hold it (never existed, or retired).
    public func key(version: UInt32) -> KeyEncryptionKey? {
        keys.first { $0.version == version }
    }

    /// The ring with a new random version that becomes primary; older versions keep decrypting.
    public func rotated(now: Date = Date()) throws(SealError) -> KeyRing {
        guard keys.count < Self.maximumVersions else {
            throw SealError(.keyOperationRefused, "the ring already holds \(keys.count) versions; rewrap and retire old ones first")
        }
        let highest = max(keys.map(\.version).max() ?? 0, retiredVersions.max() ?? 0)
        guard highest < UInt32.max else { throw SealError(.keyOperationRefused, "key version numbers are exhausted") }
        let next = highest + 1
        var ring = self
        ring.keys.append(.generate(version: next, now: now))
        ring.primaryVersion = next
        return ring
    }

    /// The ring without `version`. The primary cannot be retired: rotate first.
    public func retiring(version: UInt32) throws(SealError) -> KeyRing {
        guard version != primaryVersion else {
            throw SealError(.keyOperationRefused, "version \(version) is the primary; rotate before retiring it")
        }
        guard key(version: version) != nil else {
            throw SealError(.keyVersionUnknown, "the ring holds no version \(version)")
        }
        var ring = self
        ring.keys.removeAll { $0.version == version }
        ring.retiredVersions.append(version)
        ring.retiredVersions.sort()
        return ring
    }
}
