/// Typed access to a request object's fields, producing OpenAI's wording for missing and mistyped values.
struct RequestFields {
    let fields: [String: JSONValue]

    init(_ body: JSONValue) throws(OpenAIError) {
        guard case .object(let fields) = body else {
            throw .invalidRequest("The request body must be a JSON object, got \(body.typeName).")
        }
        self.fields = fields
    }

    func isPresent(_ name: String) -> Bool {
        if let value = fields[name], value != .null { return true }
        return false
    }

    func requiredString(_ name: String) throws(OpenAIError) -> String {
        guard let value = fields[name], value != .null else {
            throw .invalidRequest("Missing required parameter: '\(name)'.", param: name, code: "missing_required_parameter")
        }
        guard case .string(let text) = value else { throw Self.typeError(name, expected: "a string", got: value) }
        return text
    }

    func string(_ name: String) throws(OpenAIError) -> String? {
        guard let value = fields[name], value != .null else { return nil }
        guard case .string(let text) = value else { throw Self.typeError(name, expected: "a string", got: value) }
        return text
    }

    func bool(_ name: String) throws(OpenAIError) -> Bool? {
        guard let value = fields[name], value != .null else { return nil }
        guard case .bool(let flag) = value else { throw Self.typeError(name, expected: "a boolean", got: value) }
        return flag
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws(OpenAIError) -> Int? {
        guard let value = fields[name], value != .null else { return nil }
        guard case .number(let number) = value, number.rounded() == number, abs(number) < 9e15 else {
            throw Self.typeError(name, expected: "an integer", got: value)
        }
        let integer = Int(number)
        guard range.contains(integer) else {
            throw .invalidRequest(
                "Invalid '\(name)': \(integer) is out of range; expected a value from \(range.lowerBound) to \(range.upperBound).",
                param: name, code: "invalid_value")
        }
        return integer
    }

    func number(_ name: String, in range: ClosedRange<Double>) throws(OpenAIError) -> Double? {
        guard let value = fields[name], value != .null else { return nil }
        guard case .number(let number) = value else { throw Self.typeError(name, expected: "a number", got: value) }
        guard range.contains(number) else {
            throw .invalidRequest(
                "Invalid '\(name)': \(number) is out of range; expected a value from \(range.lowerBound) to \(range.upperBound).",
                param: name, code: "invalid_value")
        }
        return number
    }

    /// `stop`: a string or an array of up to four strings.
    func stopSequences() throws(OpenAIError) -> [String] {
        guard let value = fields["stop"], value != .null else { return [] }
        switch value {
        case .string(let text):
            return text.isEmpty ? [] : [text]
        case .array(let items):
            guard items.count <= 4 else {
                throw .invalidRequest("Invalid 'stop': at most 4 stop sequences are allowed.", param: "stop", code: "invalid_value")
            }
            var result: [String] = []
            for item in items {
                guard case .string(let text) = item else { throw Self.typeError("stop", expected: "a string", got: item) }
                if !text.isEmpty { result.append(text) }
            }
            return result
        default:
            throw Self.typeError("stop", expected: "a string or an array of strings", got: value)
        }
    }

    static func typeError(_ name: String, expected: String, got value: JSONValue) -> OpenAIError {
        .invalidRequest(
            "Invalid type for '\(name)': expected \(expected), but got \(value.typeName) instead.",
            param: name, code: "invalid_type")
    }
}
