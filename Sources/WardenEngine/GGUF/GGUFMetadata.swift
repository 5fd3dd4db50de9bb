/// The metadata of a GGUF file: key/value pairs in file order, with typed accessors.
///
/// The optional accessors (`string(_:)`, `integer(_:)`, ...) return nil when the key is absent and throw
/// `typeMismatch` when it holds another type, so that a wrong type is never mistaken for a missing key. The
/// `required…` variants also throw `missingKey`.
public struct GGUFMetadata: Sendable, Equatable {
    /// The keys in the order the file lists them.
    public private(set) var keys: [String] = []
    private var values: [String: GGUFValue] = [:]

    public init() {}

    /// The number of pairs.
    public var count: Int { keys.count }

    /// The value for `key`, or nil.
    public subscript(key: String) -> GGUFValue? { values[key] }

    /// Adds a pair; returns false (and changes nothing) if the key is already present.
    mutating func insert(key: String, value: GGUFValue) -> Bool {
        guard values[key] == nil else { return false }
        keys.append(key)
        values[key] = value
        return true
    }

    /// Sets or replaces a pair, keeping the key's original position when it exists.
    mutating func set(key: String, value: GGUFValue) {
        if values[key] == nil { keys.append(key) }
        values[key] = value
    }

    private static func mismatch(_ key: String, _ expected: String, _ found: GGUFValue) -> GGUFError {
        GGUFError(.typeMismatch, "expected \(expected), found \(found.type)", subject: key)
    }

    // MARK: Optional accessors

    /// The string at `key`, nil if absent.
    public func string(_ key: String) throws(GGUFError) -> String? {
        guard let value = values[key] else { return nil }
        guard case .string(let string) = value else { throw Self.mismatch(key, "a string", value) }
        return string
    }

    /// The integer (of any width, converted to `Int` if it fits) at `key`, nil if absent.
    public func integer(_ key: String) throws(GGUFError) -> Int? {
        guard let value = values[key] else { return nil }
        guard let integer = value.integerValue else { throw Self.mismatch(key, "an integer that fits in Int", value) }
        return integer
    }

    /// The float32 or float64 at `key`, nil if absent.
    public func floatingPoint(_ key: String) throws(GGUFError) -> Double? {
        guard let value = values[key] else { return nil }
        guard let number = value.floatingPointValue else { throw Self.mismatch(key, "a floating-point number", value) }
        return number
    }

    /// The bool at `key`, nil if absent.
    public func bool(_ key: String) throws(GGUFError) -> Bool? {
        guard let value = values[key] else { return nil }
        guard case .bool(let flag) = value else { throw Self.mismatch(key, "a bool", value) }
        return flag
    }

    /// The array at `key`, nil if absent.
    public func array(_ key: String) throws(GGUFError) -> GGUFArray? {
        guard let value = values[key] else { return nil }
        guard case .array(let array) = value else { throw Self.mismatch(key, "an array", value) }
        return array
    }

    /// The array of strings at `key`, nil if absent.
    public func stringArray(_ key: String) throws(GGUFError) -> [String]? {
        guard let array = try array(key) else { return nil }
        guard case .string(let strings) = array else {
            throw GGUFError(.typeMismatch, "expected an array of strings, found \(array.elementType)s", subject: key)
        }
        return strings
    }

    /// The array of float32 at `key`, nil if absent.
    public func floatArray(_ key: String) throws(GGUFError) -> [Float]? {
        guard let array = try array(key) else { return nil }
        guard case .float32(let floats) = array else {
            throw GGUFError(.typeMismatch, "expected an array of float32, found \(array.elementType)s", subject: key)
        }
        return floats
    }

    /// The array of integers (any width, each fitting `Int`) at `key`, nil if absent.
    public func integerArray(_ key: String) throws(GGUFError) -> [Int]? {
        guard let array = try array(key) else { return nil }
        guard let integers = array.integerValues else {
            throw GGUFError(.typeMismatch, "expected an array of integers, found \(array.elementType)s", subject: key)
        }
        return integers
    }

    // MARK: Required accessors

    private static func missing(_ key: String) -> GGUFError {
        GGUFError(.missingKey, "required metadata key is absent", subject: key)
    }

    /// The string at `key`; throws if absent or of another type.
    public func requiredString(_ key: String) throws(GGUFError) -> String {
        guard let value = try string(key) else { throw Self.missing(key) }
        return value
    }

    /// The integer at `key`; throws if absent or of another type.
    public func requiredInteger(_ key: String) throws(GGUFError) -> Int {
        guard let value = try integer(key) else { throw Self.missing(key) }
        return value
    }

    /// The floating-point number at `key`; throws if absent or of another type.
    public func requiredFloatingPoint(_ key: String) throws(GGUFError) -> Double {
        guard let value = try floatingPoint(key) else { throw Self.missing(key) }
        return value
    }
}
