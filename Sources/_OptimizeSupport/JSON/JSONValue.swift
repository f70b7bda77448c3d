/// The one JSON value type: every file the tool reads or writes goes through it.
///
/// Objects keep their keys in the order they were written or built, integers stay integers (64-bit
/// exact, signed and unsigned), and doubles are written in the shortest form that reads back to
/// the same bits, so equal values always give equal bytes and a journal replays exactly.
///
/// ```swift
/// let value = try JSONReader.parse(#"{"x": [1, 2.5, "a"], "seed": 18446744073709551615}"#)
/// value.text                          // {"x":[1,2.5,"a"],"seed":18446744073709551615}
/// value["seed"]?.uint64               // 18446744073709551615
/// ```
public enum JSONValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    /// An integer that fits `Int`.
    case integer(Int)
    /// An integer above `Int.max` (up to `UInt64.max`); smaller ones are ``integer(_:)``.
    case unsigned(UInt64)
    /// A finite double (the writer refuses others: see ``JSONValueEncoder``).
    case double(Double)
    case string(String)
    case array([JSONValue])
    /// An object, keys in the order they were written or built.
    case object([(key: String, value: JSONValue)])

    /// An unsigned integer, as ``integer(_:)`` when it fits `Int`.
    public static func uint64(_ value: UInt64) -> JSONValue {
        value <= UInt64(Int.max) ? .integer(Int(value)) : .unsigned(value)
    }

    // MARK: Accessors

    /// The member named `key` of an object (the last one, if repeated), or nil.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    /// A number as a double (integers included).
    public var number: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .unsigned(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// An integer, also when written with a zero fraction (`6.0`), as hand-written files may.
    public var integer: Int? {
        switch self {
        case .integer(let value): value
        case .double(let value) where value == value.rounded() && abs(value) < 0x1p53: Int(value)
        default: nil
        }
    }

    /// A non-negative integer up to `UInt64.max`, also when written as a decimal string (as files
    /// of version 0.1.0 wrote seeds above 2^63).
    public var unsignedInteger: UInt64? {
        if case .string(let text) = self { return UInt64(text) }
        return uint64
    }

    /// A copy of an object with `key` set (replaced in place, or appended).
    public func setting(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else { return self }
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = value
        } else {
            members.append((key, value))
        }
        return .object(members)
    }

    /// A double, or null when there is none or it is not finite.
    public static func number(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return .double(value)
    }

    /// A non-negative integer up to `UInt64.max`.
    public var uint64: UInt64? {
        switch self {
        case .integer(let value) where value >= 0: UInt64(value)
        case .unsigned(let value): value
        default: nil
        }
    }

    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var array: [JSONValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    public var members: [(key: String, value: JSONValue)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// A short name of the value's type, for messages ("an object", "a number").
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .unsigned, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    // MARK: Text

    /// Compact JSON text; object keys in their stored order.
    public var text: String { JSONWriter.compact(self) }

    /// Indented JSON text (two spaces), without a final newline.
    public var prettyText: String { JSONWriter.pretty(self) }

    /// The bytes of a JSON file: indented text and a final newline.
    public var fileBytes: [UInt8] { Array((JSONWriter.pretty(self) + "\n").utf8) }

    public var description: String { text }

    // MARK: Equality

    /// Exact equality: equal values are written as equal bytes (so doubles compare by their bits:
    /// 0.0 and -0.0 differ, as their texts do), and equal values hash alike.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.unsigned(let a), .unsigned(let b)): a == b
        case (.double(let a), .double(let b)): a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
    }
}

extension JSONValue {
    /// The value with every object's keys sorted by their UTF-8 bytes, recursively: files whose
    /// bytes depend on their content alone (soak and metrics files), and the text a champion's
    /// content hash is taken of.
    public func sortingKeys() -> JSONValue {
        switch self {
        case .object(let members):
            .object(members.map { (key: $0.key, value: $0.value.sortingKeys()) }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) })
        case .array(let elements): .array(elements.map { $0.sortingKeys() })
        default: self
        }
    }
}
