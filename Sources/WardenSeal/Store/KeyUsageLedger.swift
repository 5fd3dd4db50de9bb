import GRDB
import Synchronization

/// Counts KEK uses per version, persisting them in blocks so the limit survives restarts.
///
/// The hot path is a lock and an increment. When a version's reserved block is spent, the ledger durably raises the
/// `key_usage.reserved` row by one block before handing out more uses; after a restart counting resumes from the
/// reserved value, so the persisted count never falls below the real one.
final class KeyUsageLedger: Sendable {
    /// The outcome of taking one use of a version.
    enum Grant: Equatable {
        /// Use the version. `shouldRotate` is true once the count passed the rotation threshold.
        case granted(shouldRotate: Bool)
    }

    private struct Counter {
        var used: UInt64
        var reservedUntil: UInt64
    }

    private let database: DatabasePool
    private let limits: KeyUsageLimits
    private let counters = Mutex<[UInt32: Counter]>([:])

    init(database: DatabasePool, limits: KeyUsageLimits) {
        self.database = database
        self.limits = limits
    }

    /// Takes one use of `version`, or throws ``SealError/Code/keyUsageExhausted`` at the hard limit.
    func take(version: UInt32) throws(SealError) -> Grant {
        let result: Result<Grant, SealError> = counters.withLock { counters in
            var counter: Counter
            if let existing = counters[version] {
                counter = existing
            } else {
                do {
                    let persisted = try database.read { db in
                        try UInt64.fetchOne(db, sql: "SELECT reserved FROM key_usage WHERE version = ?", arguments: [version])
                    } ?? 0
                    counter = Counter(used: persisted, reservedUntil: persisted)
                } catch {
                    return .failure(SealError(.storageFailure, "cannot read key usage for version \(version)"))
                }
            }
            guard counter.used < limits.refuseAt else {
                return .failure(
                    SealError(.keyUsageExhausted, "key version \(version) reached \(limits.refuseAt) uses; rotate the key ring"))
            }
            if counter.used >= counter.reservedUntil {
                let target = min(counter.used + limits.reservationBlock, limits.refuseAt)
                do {
                    try database.write { db in
                        try db.execute(
                            sql: """
                                INSERT INTO key_usage(version, reserved) VALUES (?, ?)
                                ON CONFLICT(version) DO UPDATE SET reserved = max(reserved, excluded.reserved)
                                """,
                            arguments: [version, target])
                    }
                } catch {
                    return .failure(SealError(.storageFailure, "cannot persist key usage for version \(version)"))
                }
                counter.reservedUntil = target
            }
            counter.used += 1
            counters[version] = counter
            return .success(.granted(shouldRotate: counter.used >= limits.rotateAt))
        }
        return try result.get()
    }

    /// The persisted (conservative) use count of every version this database has used.
    func persistedCounts() throws(SealError) -> [UInt32: UInt64] {
        do {
            return try database.read { db in
                var counts: [UInt32: UInt64] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT version, reserved FROM key_usage") {
                    counts[row["version"]] = row["reserved"]
                }
                return counts
            }
        } catch {
            throw SealError(.storageFailure, "cannot read key usage")
        }
    }
}
