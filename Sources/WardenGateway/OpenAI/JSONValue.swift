import Foundation

/// A parsed JSON document, so request validation can name the exact field and the type it found.
///
/// Parsing goes through Foundation's JSONDecoder, which rejects invalid UTF-8, duplicate-free semantics aside,
/// and bounds nesting depth.
enum JSONValue: Sendable, Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Parses a request body; any failure becomes an OpenAI-style 400.
    static func parse(_ bytes: [UInt8]) throws(OpenAIError) -> JSONValue {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw .invalidRequest("The request body is not valid UTF-8.", code: "invalid_utf8")
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw .invalidRequest(
                "We could not parse the JSON body of your request. The body must be a valid JSON object.",
                code: "invalid_json")
        }
    }

    /// The name OpenAI's messages use for a value's type.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number(let value): value.rounded() == value ? "an integer" : "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
