/// The role manager for one role definition (`g`, `g2`...), built once per policy snapshot and then read-only.
///
/// Semantics follow Go Casbin's default role manager: `g(a, b[, d])` holds when `a == b` or when `b` is
/// reachable from `a` over at most `maximumDepth` inheritance links (10 by default, so cycles end) in
/// domain `d`. With a domain matching function, links stored under a domain pattern that matches `d` count
/// too. With a name matching function, a name also inherits from every stored name that matches it as a
/// pattern (`/book/1` inherits what `/book/:id` has).
final class RoleGraph: Sendable {
    typealias MatchFunction = @Sendable (String, String) -> Bool

    let key: String
    let hasDomain: Bool
    let maximumDepth: Int
    private let nameMatcher: MatchFunction?
    private let domainMatcher: MatchFunction?
    /// Outgoing links per domain id (-1 for role definitions without domains), then per name id.
    private let links: [Int32: [Int32: [Int32]]]
    /// Every name that appears in a link, per domain, for pattern matching.
    private let namesByDomain: [Int32: [Int32]]
    /// Precomputed reachable sets (excluding the start) when no pattern matching is configured.
    private let closures: [Int32: [Int32: Set<Int32>]]
    private let table: StringTable
    /// Number of links loaded, for lint and statistics.
    let linkCount: Int

    static let noDomain: Int32 = -1

    init(
        key: String, hasDomain: Bool, maximumDepth: Int, nameMatcher: MatchFunction?, domainMatcher: MatchFunction?,
        links rawLinks: [(user: Int32, role: Int32, domain: Int32)], table: StringTable
    ) {
        self.key = key
        self.hasDomain = hasDomain
        self.maximumDepth = maximumDepth
        self.nameMatcher = nameMatcher
        self.domainMatcher = domainMatcher
        self.table = table
        var links: [Int32: [Int32: [Int32]]] = [:]
        var names: [Int32: Set<Int32>] = [:]
        for link in rawLinks {
            links[link.domain, default: [:]][link.user, default: []].append(link.role)
            names[link.domain, default: []].insert(link.user)
            names[link.domain, default: []].insert(link.role)
        }
        self.links = links
        self.linkCount = rawLinks.count
        self.namesByDomain = names.mapValues { Array($0).sorted() }
        var closures: [Int32: [Int32: Set<Int32>]] = [:]
        if nameMatcher == nil, domainMatcher == nil {
            for (domain, adjacency) in links {
                var perName: [Int32: Set<Int32>] = [:]
                perName.reserveCapacity(adjacency.count)
                for start in adjacency.keys {
                    perName[start] = RoleGraph.breadthFirst(from: start, depth: maximumDepth) { adjacency[$0] ?? [] }
                }
                closures[domain] = perName
            }
        }
        self.closures = closures
    }

    /// Whether `user` has `role` in `domain` (`nil` for definitions without domains).
    func hasLink(_ user: String, _ role: String, domain: String?) -> Bool {
        if user == role { return true }
        guard let roleID = table.id(of: role) else { return false }
        return reachable(from: user, domain: domain)?.contains(roleID) ?? false
    }

    /// Every role id reachable from `user` (not including `user`), or `nil` when there is none.
    func reachable(from user: String, domain: String?) -> Set<Int32>? {
        let domainIDs = effectiveDomains(domain)
        if domainIDs.isEmpty { return nil }
        if nameMatcher == nil, domainIDs.count == 1, let perName = closures[domainIDs[0]] {
            guard let userID = table.id(of: user) else { return nil }
            return perName[userID]
        }
        // Pattern matching or merged domains: walk the graph now.
        let startID = table.id(of: user)
        let virtualStart: Int32 = -2
        let start = startID ?? virtualStart
        let patterns: [Int32] = nameMatcher == nil ? [] : domainIDs.flatMap { namesByDomain[$0] ?? [] }
        let result = RoleGraph.breadthFirst(from: start, depth: maximumDepth) { node in
            var next: [Int32] = []
            if node >= 0 {
                for domainID in domainIDs { next += links[domainID]?[node] ?? [] }
            }
            if let nameMatcher {
                let name = node >= 0 ? table[node] : user
                for candidate in patterns where candidate != node && nameMatcher(name, table[candidate]) {
                    next.append(candidate)
                }
            }
            return next
        }
        return result.isEmpty ? nil : result
    }

    /// The stored domains whose links apply to a request in `domain`.
    private func effectiveDomains(_ domain: String?) -> [Int32] {
        guard hasDomain, let domain else { return [RoleGraph.noDomain] }
        var result: [Int32] = []
        if let id = table.id(of: domain), links[id] != nil { result.append(id) }
        if let domainMatcher {
            for stored in links.keys where stored >= 0 && table[stored] != domain && domainMatcher(domain, table[stored]) {
                result.append(stored)
            }
        }
        return result
    }

    private static func breadthFirst(from start: Int32, depth: Int, next: (Int32) -> [Int32]) -> Set<Int32> {
        var seen: Set<Int32> = [start]
        var frontier: [Int32] = [start]
        var level = 0
        while !frontier.isEmpty, level < depth {
            var following: [Int32] = []
            for node in frontier {
                for role in next(node) where seen.insert(role).inserted {
                    following.append(role)
                }
            }
            frontier = following
            level += 1
        }
        seen.remove(start)
        return seen
    }

    // MARK: Introspection for lint, diff and explain

    /// All (user, role, domain) links as strings.
    var allLinks: [(user: String, role: String, domain: String?)] {
        var result: [(String, String, String?)] = []
        for (domain, adjacency) in links {
            for (user, roles) in adjacency {
                for role in roles {
                    result.append((table[user], table[role], domain == RoleGraph.noDomain ? nil : table[domain]))
                }
            }
        }
        return result
    }

    /// Names that inherit from themselves through a cycle, per domain.
    func cycles() -> [(name: String, domain: String?)] {
        var result: [(String, String?)] = []
        for (domain, adjacency) in links {
            for start in adjacency.keys {
                let reach = RoleGraph.breadthFirst(from: start, depth: adjacency.count + 1) { adjacency[$0] ?? [] }
                if reach.contains(where: { (adjacency[$0] ?? []).contains(start) }) || (adjacency[start] ?? []).contains(start) {
                    result.append((table[start], domain == RoleGraph.noDomain ? nil : table[domain]))
                }
            }
        }
        return result.sorted { $0.0 < $1.0 }
    }
}
