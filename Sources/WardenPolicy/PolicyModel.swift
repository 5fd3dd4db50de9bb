import Foundation

/// A parsed Casbin model: request, policy and role definitions, effects and matchers, keyed as Casbin keys
/// them (`r`, `r2`, `p`, `p2`, `g`, `g2`, `e`, `m`...).
public struct PolicyModel: Sendable {
    /// A request or policy definition such as `r = sub, obj, act`.
    public struct Definition: Sendable {
        /// `r`, `r2`, `p`, `p2`...
        public let key: String
        /// Field names without the prefix: `["sub", "obj", "act"]`.
        public let tokens: [String]
        public let location: SourceLocation
    }

    /// A role definition such as `g = _, _` or `g = _, _, _` (the third field is the domain).
    public struct RoleDefinition: Sendable {
        public let key: String
        public let fieldCount: Int
        public let location: SourceLocation
        public var hasDomain: Bool { fieldCount > 2 }
    }

    /// A matcher after Casbin's rewriting (`r.sub` → `r_sub`, `[ ]` → `( )` when it contains `in`).
    public struct Matcher: Sendable {
        public let key: String
        public let text: String
        /// The expression as written, for messages.
        public let originalText: String
        public let location: SourceLocation
    }

    public struct Effect: Sendable {
        public let key: String
        public let effect: PolicyEffect
        public let location: SourceLocation
    }

    public let file: String
    public private(set) var requestDefinitions: [String: Definition] = [:]
    public private(set) var policyDefinitions: [String: Definition] = [:]
    public private(set) var roleDefinitions: [String: RoleDefinition] = [:]
    public private(set) var effects: [String: Effect] = [:]
    public private(set) var matchers: [String: Matcher] = [:]
    /// Options from the Warden-only `[role_manager]` section, which Casbin itself ignores.
    public private(set) var roleManagerOptions: [String: (value: String, location: SourceLocation)] = [:]

    /// Parses a model file's text. `file` names it in error locations.
    public init(text: String, file: String = "model.conf") throws(PolicyError) {
        self.file = file
        let entries = try ModelConfigReader.read(text, file: file)
        var bySection: [String: [String: ModelConfigEntry]] = [:]
        for entry in entries {
            bySection[entry.section, default: [:]][entry.key] = entry
        }
        let sectionNames = [
            ("r", "request_definition"), ("p", "policy_definition"), ("g", "role_definition"),
            ("e", "policy_effect"), ("m", "matchers"),
        ]
        for (prefix, sectionName) in sectionNames {
            let section = bySection[sectionName] ?? [:]
            // Casbin reads r, r2, r3... and stops at the first missing number.
            var index = 1
            while true {
                let key = index == 1 ? prefix : "\(prefix)\(index)"
                guard let entry = section[key] else { break }
                try add(prefix: prefix, entry: entry)
                index += 1
            }
        }
        for (key, entry) in bySection["role_manager"] ?? [:] {
            roleManagerOptions[key] = (entry.value, entry.valueLocation)
        }
        var missing: [String] = []
        if requestDefinitions.isEmpty { missing.append("request_definition") }
        if policyDefinitions.isEmpty { missing.append("policy_definition") }
        if effects.isEmpty { missing.append("policy_effect") }
        if matchers.isEmpty { missing.append("matchers") }
        if !missing.isEmpty {
            throw PolicyError(.invalidModel, "missing required sections: \(missing.joined(separator: ", "))", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    private mutating func add(prefix: String, entry: ModelConfigEntry) throws(PolicyError) {
        switch prefix {
        case "r", "p":
            var tokens: [String] = []
            for raw in entry.value.split(separator: ",", omittingEmptySubsequences: false) {
                let token = raw.trimmingWhitespace()
                guard isIdentifier(token) else {
                    throw PolicyError(.invalidModel, "'\(token)' is not a valid field name in \(entry.key) = \(entry.value)", at: entry.valueLocation)
                }
                if tokens.contains(token) {
                    throw PolicyError(.invalidModel, "field '\(token)' appears twice in \(entry.key)", at: entry.valueLocation)
                }
                tokens.append(token)
            }
            let definition = Definition(key: entry.key, tokens: tokens, location: entry.location)
            if prefix == "r" { requestDefinitions[entry.key] = definition } else { policyDefinitions[entry.key] = definition }
        case "g":
            if entry.value.contains("(") {
                throw PolicyError(.invalidModel, "conditional role definitions (parameters in parentheses) are not supported", at: entry.valueLocation)
            }
            let fields = entry.value.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
            guard fields.count >= 2, fields.count <= 3, fields.allSatisfy({ $0 == "_" }) else {
                throw PolicyError(.invalidModel, "a role definition must be '_, _' or '_, _, _' but is '\(entry.value)'", at: entry.valueLocation)
            }
            roleDefinitions[entry.key] = RoleDefinition(key: entry.key, fieldCount: fields.count, location: entry.location)
        case "e":
            let escaped = MatcherRewriter.escapeAssertion(entry.value)
            guard let effect = PolicyEffect(rawValue: escaped) else {
                let supported = PolicyEffect.allCases.map(\.modelText).joined(separator: "' or '")
                throw PolicyError(.unsupportedEffect, "unsupported policy effect '\(entry.value)'; use exactly '\(supported)'", at: entry.valueLocation)
            }
            effects[entry.key] = Effect(key: entry.key, effect: effect, location: entry.location)
        default:
            let rewritten = MatcherRewriter.rewriteMatcher(entry.value)
            if rewritten.trimmingWhitespace().isEmpty {
                throw PolicyError(.invalidMatcher, "matcher \(entry.key) is empty", at: entry.valueLocation)
            }
            matchers[entry.key] = Matcher(key: entry.key, text: rewritten, originalText: entry.value, location: entry.valueLocation)
        }
    }
}

func isIdentifier(_ text: String) -> Bool {
    guard let first = text.utf8.first, first == UInt8(ascii: "_") || (first | 0x20 >= UInt8(ascii: "a") && first | 0x20 <= UInt8(ascii: "z")) else { return false }
    return text.utf8.allSatisfy { byte in
        byte == UInt8(ascii: "_") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
    }
}
