extension PolicyBuilder {
    /// Builds one role graph per role definition, with matching functions from the options, the model's
    /// `[role_manager]` section, or Go Casbin's automatic `keyMatch` domain matching (registered when the
    /// matcher contains `keyMatch(r.dom, p.dom)`; pycasbin does not do this).
    func buildRoleGraphs(links: [String: [(user: Int32, role: Int32, domain: Int32)]], table: StringTable) throws(PolicyError) -> [RoleGraph] {
        var maximumDepth = options.maximumHierarchyLevel
        var nameFunctions = options.nameMatchingFunctions
        var domainFunctions = options.domainMatchingFunctions
        for (key, entry) in model.roleManagerOptions {
            if key == "max_hierarchy_level" {
                guard let level = Int(entry.value), level >= 0, level <= 1000 else {
                    throw PolicyError(.invalidModel, "max_hierarchy_level must be a whole number from 0 to 1000", at: entry.location)
                }
                maximumDepth = level
            } else if key.hasSuffix("_name_match"), model.roleDefinitions[String(key.dropLast("_name_match".count))] != nil {
                nameFunctions[String(key.dropLast("_name_match".count))] = entry.value
            } else if key.hasSuffix("_domain_match"), model.roleDefinitions[String(key.dropLast("_domain_match".count))] != nil {
                domainFunctions[String(key.dropLast("_domain_match".count))] = entry.value
            } else {
                throw PolicyError(.invalidModel, "unknown [role_manager] option '\(key)'; use max_hierarchy_level, <g>_name_match or <g>_domain_match", at: entry.location)
            }
        }
        let autoDomainMatch = model.matchers["m"]?.text.contains("keyMatch(r_dom, p_dom)") ?? false
        var graphs: [RoleGraph] = []
        for key in model.roleDefinitions.keys.sorted() {
            let definition = model.roleDefinitions[key]!
            var nameMatcher: RoleGraph.MatchFunction? = nil
            if let name = nameFunctions[key] {
                guard let function = MatcherCompiler.roleMatchFunction(name) else {
                    throw PolicyError(.invalidModel, "unknown matching function '\(name)' for \(key)", at: definition.location)
                }
                nameMatcher = function
            }
            var domainMatcher: RoleGraph.MatchFunction? = nil
            if let name = domainFunctions[key] ?? (definition.hasDomain && autoDomainMatch ? "keyMatch" : nil) {
                guard let function = MatcherCompiler.roleMatchFunction(name) else {
                    throw PolicyError(.invalidModel, "unknown domain matching function '\(name)' for \(key)", at: definition.location)
                }
                domainMatcher = function
            }
            graphs.append(RoleGraph(
                key: key, hasDomain: definition.hasDomain, maximumDepth: maximumDepth, nameMatcher: nameMatcher,
                domainMatcher: domainMatcher, links: links[key] ?? [], table: table))
        }
        return graphs
    }

    /// Go Casbin's `SortPoliciesByPriority`: a stable ascending sort on the `priority` field (negative values
    /// first). A priority that is not a whole number is an error here (Go's comparator gives an arbitrary order).
    func sortByPriority(_ rules: inout RuleSet, table: StringTable) throws(PolicyError) {
        guard let field = model.policyDefinitions[rules.key]?.tokens.firstIndex(of: "priority"), rules.count > 1 || rules.count == 1 else { return }
        var keyed: [(priority: Int, index: Int)] = []
        keyed.reserveCapacity(rules.count)
        for index in 0..<rules.count {
            let text = table[rules.value(rule: index, field: field)]
            guard let priority = Int(text) else {
                throw PolicyError(.invalidPolicy, "priority '\(text.prefix(40))' is not a whole number", at: SourceLocation(file: rules.file, line: Int(rules.lines[index]), column: 1))
            }
            keyed.append((priority, index))
        }
        keyed.sort { $0.priority != $1.priority ? $0.priority < $1.priority : $0.index < $1.index }
        rules.reorder(keyed.map(\.index))
    }

    /// Go Casbin's `SortPoliciesBySubjectHierarchy`: rules whose subject sits deeper in the `g` tree (a
    /// user below a role below a root role) come first. Depth is counted from the roots; a name reached
    /// from several roots takes its deepest level, and cycles stop the walk (Go would not terminate).
    func sortBySubjectHierarchy(_ rules: inout RuleSet, links: [(user: Int32, role: Int32, domain: Int32)], table: StringTable) {
        guard let definition = model.policyDefinitions[rules.key], rules.count > 1 else { return }
        let domainField = definition.tokens.firstIndex(of: "dom")
        struct Node: Hashable { let domain: String; let name: Int32 }
        var children: [Node: [Node]] = [:]
        var isChild: [Node: Bool] = [:]
        for link in links {
            let domain = link.domain == RoleGraph.noDomain ? "" : table[link.domain]
            let child = Node(domain: domain, name: link.user)
            let parent = Node(domain: domain, name: link.role)
            children[parent, default: []].append(child)
            isChild[child] = true
            if isChild[parent] == nil { isChild[parent] = false }
        }
        var level: [Node: Int] = [:]
        for (root, child) in isChild where !child {
            var frontier = [root]
            var visited: Set<Node> = [root]
            var depth = 0
            while !frontier.isEmpty {
                var next: [Node] = []
                for node in frontier {
                    level[node] = max(level[node] ?? 0, depth)
                    for child in children[node] ?? [] where visited.insert(child).inserted { next.append(child) }
                }
                frontier = next
                depth += 1
            }
        }
        var keyed: [(level: Int, index: Int)] = []
        for index in 0..<rules.count {
            let domain = domainField.map { table[rules.value(rule: index, field: $0)] } ?? ""
            keyed.append((level[Node(domain: domain, name: rules.value(rule: index, field: 0))] ?? 0, index))
        }
        keyed.sort { $0.level != $1.level ? $0.level > $1.level : $0.index < $1.index }
        rules.reorder(keyed.map(\.index))
    }
}
