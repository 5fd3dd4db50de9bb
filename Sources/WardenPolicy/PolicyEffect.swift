import Foundation

/// The five `[policy_effect]` expressions Casbin supports; any other text is rejected, as in Casbin.
public enum PolicyEffect: String, Sendable, CaseIterable {
    /// `some(where (p.eft == allow))`: allowed when any matching rule allows.
    case allowOverride = "some(where (p_eft == allow))"
    /// `!some(where (p.eft == deny))`: allowed unless a matching rule denies (also when nothing matches).
    case denyOverride = "!some(where (p_eft == deny))"
    /// Allowed when some matching rule allows and none denies.
    case allowAndDeny = "some(where (p_eft == allow)) && !some(where (p_eft == deny))"
    /// The first matching rule in priority order decides; deny when none matches.
    case priority = "priority(p_eft) || deny"
    /// Like `priority`, with rules ordered so that rules for more specific subjects (deeper in the role tree) come first.
    case subjectPriority = "subjectPriority(p_eft) || deny"

    /// The expression as an admin writes it in the model file.
    public var modelText: String { rawValue.replacingOccurrences(of: "p_eft", with: "p.eft") }
}
