import Foundation

/// How long sealed records are kept: a maximum age per domain (team), and a default for the others.
/// `nil` means "keep until shredded explicitly".
public struct RetentionPolicy: Sendable, Hashable {
    /// Maximum age for domains not listed in ``maximumAgeByDomain``.
    public var defaultMaximumAge: Duration?
    /// Maximum age per domain; overrides the default.
    public var maximumAgeByDomain: [String: Duration]

    /// Keeps everything until an explicit shred.
    public static let keepForever = RetentionPolicy(defaultMaximumAge: nil, maximumAgeByDomain: [:])

    /// Creates a policy.
    public init(defaultMaximumAge: Duration?, maximumAgeByDomain: [String: Duration] = [:]) {
        self.defaultMaximumAge = defaultMaximumAge
        self.maximumAgeByDomain = maximumAgeByDomain
    }

    /// The shreds one retention pass at `now` performs.
    func selectors(now: Date) -> [ShredSelector] {
        var selectors: [ShredSelector] = []
        for (domain, age) in maximumAgeByDomain.sorted(by: { $0.key < $1.key }) {
            selectors.append(.domainCreatedBefore(domain: domain, date: now.addingTimeInterval(-age.seconds)))
        }
        if let defaultMaximumAge {
            selectors.append(
                .otherDomainsCreatedBefore(
                    excluding: Set(maximumAgeByDomain.keys), date: now.addingTimeInterval(-defaultMaximumAge.seconds)))
        }
        return selectors
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
