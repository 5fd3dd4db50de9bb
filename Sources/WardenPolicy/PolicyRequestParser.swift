/// Reads one request as the CLI and cases files write it: either Casbin-CSV fields (`alice, data1, read`,
/// with Casbin's quoting) or a JSON array whose items are strings, numbers, booleans or attribute objects
/// (`[{"Age": 25}, "/data1", "read"]`).
public enum PolicyRequestParser {
    /// Parses a request line (already known not to be blank or a comment).
    public static func parse(_ line: String) throws(PolicyError) -> [PolicyValue] {
        let trimmed = line.trimmingWhitespace()
        if trimmed.hasPrefix("[") {
            guard case .array(let items) = try JSONValueReader.parse(trimmed) else {
                throw PolicyError(.invalidRequest, "expected a JSON array")
            }
            var values: [PolicyValue] = []
            for item in items {
                guard case .value(let value) = item else { throw PolicyError(.invalidRequest, "request items cannot be arrays") }
                values.append(value)
            }
            return values
        }
        do {
            return try PolicyCSVReader.splitLine(trimmed).map { .string($0) }
        } catch {
            throw PolicyError(.invalidRequest, error.message)
        }
    }

    /// Parses a JSON array of arrays of request values (used for value pools in tests and benchmarks).
    public static func parseValueLists(_ text: String) throws(PolicyError) -> [[PolicyValue]] {
        guard case .array(let lists) = try JSONValueReader.parse(text) else { throw PolicyError(.invalidRequest, "expected a JSON array") }
        var result: [[PolicyValue]] = []
        for list in lists {
            guard case .array(let items) = list else { throw PolicyError(.invalidRequest, "expected an array of arrays") }
            var values: [PolicyValue] = []
            for item in items {
                guard case .value(let value) = item else { throw PolicyError(.invalidRequest, "nested arrays are not allowed") }
                values.append(value)
            }
            result.append(values)
        }
        return result
    }
}
