import Foundation
import GRDB

/// Which records a shred destroys.
public enum ShredSelector: Sendable, Hashable, CustomStringConvertible {
    /// One record.
    case record(id: String)
    /// Every record of an owner identity (an erasure request).
    case owner(String)
    /// Every record created before the date, in any domain.
    case createdBefore(Date)
    /// Records of one domain created before the date (a retention pass).
    case domainCreatedBefore(domain: String, date: Date)
    /// Records of every domain except the listed ones created before the date (the default retention).
    case otherDomainsCreatedBefore(excluding: Set<String>, date: Date)

    /// A short description for audit events: ids, identities and dates only.
    public var description: String {
        switch self {
        case .record(let id): "id=\(id)"
        case .owner(let owner): "subject=\(owner)"
        case .createdBefore(let date): "created-before=\(Self.format(date))"
        case .domainCreatedBefore(let domain, let date): "domain=\(domain) created-before=\(Self.format(date))"
        case .otherDomainsCreatedBefore(let excluded, let date):
            "domains-except=\(excluded.sorted().joined(separator: ",")) created-before=\(Self.format(date))"
        }
    }

    /// The SQL condition and its arguments, always combined with `state != 'shredded'`.
    var condition: (sql: String, arguments: StatementArguments) {
        switch self {
        case .record(let id): ("id = ?", [id])
        case .owner(let owner): ("owner = ?", [owner])
        case .createdBefore(let date): ("created_at < ?", [Self.milliseconds(date)])
        case .domainCreatedBefore(let domain, let date): ("domain = ? AND created_at < ?", [domain, Self.milliseconds(date)])
        case .otherDomainsCreatedBefore(let excluded, let date):
            excluded.isEmpty
                ? ("created_at < ?", [Self.milliseconds(date)])
                : (
                    "domain NOT IN (\(Array(repeating: "?", count: excluded.count).joined(separator: ","))) AND created_at < ?",
                    StatementArguments(excluded.sorted()) + [Self.milliseconds(date)]
                )
        }
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    private static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}
