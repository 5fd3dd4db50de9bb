/// Parses ages such as `30d`, `12h`, `90m`, `45s`, `2w` from configuration files and command lines.
public enum RetentionAge {
    /// The longest age accepted (100 years), so an overflowing value cannot wrap around to "expire everything".
    public static let maximumSeconds: Int64 = 100 * 366 * 86_400

    /// Parses `<positive integer><unit>` with unit `s`, `m`, `h`, `d` or `w`.
    public static func parse(_ text: String) throws(SealError) -> Duration {
        guard let unit = text.last, text.utf8.count >= 2, text.utf8.count <= 16 else {
            throw SealError(.invalidArgument, "an age is a number and a unit (s, m, h, d, w), e.g. 30d")
        }
        let digits = text.dropLast()
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(digits), value > 0 else {
            throw SealError(.invalidArgument, "an age is a positive whole number and a unit (s, m, h, d, w), e.g. 30d")
        }
        let multiplier: Int64
        switch unit {
        case "s": multiplier = 1
        case "m": multiplier = 60
        case "h": multiplier = 3_600
        case "d": multiplier = 86_400
        case "w": multiplier = 604_800
        default: throw SealError(.invalidArgument, "unknown age unit; use s, m, h, d or w")
        }
        let (seconds, overflow) = value.multipliedReportingOverflow(by: multiplier)
        guard !overflow, seconds <= maximumSeconds else {
            throw SealError(.invalidArgument, "an age may be at most 100 years")
        }
        return .seconds(seconds)
    }
}
