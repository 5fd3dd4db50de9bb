import Foundation
@testable import WardenPolicy

/// Paths and helpers shared by the tests.
enum TestSupport {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    /// The repository's `Policies/` folder (two levels above the test target).
    static let policies = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Policies")

    static func enforcer(model: String, policy: String, options: PolicyOptions = PolicyOptions()) throws -> PolicyEnforcer {
        try PolicyEnforcer(modelText: model, policyText: policy, options: options)
    }

    /// JSON text for a request value, for the pycasbin driver.
    static func json(_ value: PolicyValue) -> String {
        switch value {
        case .string(let text): return jsonString(text)
        case .number(let number): return PolicyValue.format(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .object(let fields):
            return "{" + fields.keys.sorted().map { jsonString($0) + ": " + json(fields[$0]!) }.joined(separator: ", ") + "}"
        }
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

/// A small seeded generator so every random test can be replayed exactly.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
