/// Decodes `Decodable` records from a ``JSONValue``.
///
/// Integers decode exactly (a `UInt64` seed up to 2^64 − 1); an integer type also reads an integer
/// written as a decimal string, as files of version 0.1.0 wrote seeds above 2^63. A missing key
/// decodes an optional as nil. Errors name the key path.
///
/// ```swift
/// let entry = try JSONValueDecoder(keys: .snakeCase).decode(Entry.self, from: journalRecord)
/// ```
public struct JSONValueDecoder: @unchecked Sendable {
    public var keys: JSONKeyStyle
    /// What records need to read themselves (a search's bounds, say), as `Decoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    public init(keys: JSONKeyStyle = .asDeclared, userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.keys = keys
        self.userInfo = userInfo
    }

    /// Decodes `type` from `value`.
    ///
    /// - Parameters:
    ///   - source: the file (or record) in messages.
    ///   - kind: the kind of error when `value` does not have the record's shape.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, source: String = "a record",
                                     kind: InputError.Kind = .unreadableFile) throws(InputError) -> T {
        do {
            return try Reader(value: value, keys: keys, codingPath: [], userInfo: userInfo).decodeValue(type)
        } catch let error as DecodingError {
            throw InputError(kind, source: source, problem: Self.describe(error, keys: keys),
                             fix: "give a file that optimize wrote, unchanged")
        } catch {
            throw InputError(kind, source: source, problem: "\(error)", fix: "give a file that optimize wrote, unchanged")
        }
    }

    static func describe(_ error: DecodingError, keys: JSONKeyStyle = .asDeclared) -> String {
        // The path as the file writes it: members by their JSON keys (restyled as they are looked
        // up), a dictionary's keys as they are, array elements as [n].
        func path(_ codingPath: [any CodingKey]) -> String {
            var text = ""
            for key in codingPath {
                switch key {
                case let index as IndexKey: text += "[\(index.index)]"
                case let key as AnyCodingKey: text += (text.isEmpty ? "" : ".") + key.stringValue
                default: text += (text.isEmpty ? "" : ".") + keys.jsonKey(key.stringValue)
                }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "the field '\(path(context.codingPath + [key]))' is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let field = path(context.codingPath)
            return "the field \(field.isEmpty ? "" : "'\(field)' ")is malformed: \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    struct Reader: Decoder {
        let value: JSONValue
        let keys: JSONKeyStyle
        let codingPath: [any CodingKey]
        let userInfo: [CodingUserInfoKey: Any]

        func mismatch(_ expected: String) -> DecodingError {
            .typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(value.typeName)"))
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            guard case .object(let members) = value else { throw mismatch("an object") }
            var byKey: [String: JSONValue] = [:]
            for member in members { byKey[member.key] = member.value }
            return KeyedDecodingContainer(Keyed<Key>(reader: self, members: byKey))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard case .array(let elements) = value else { throw mismatch("an array") }
            return Unkeyed(reader: self, elements: elements)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(reader: self) }

        func child(_ value: JSONValue, _ key: any CodingKey) -> Reader {
            Reader(value: value, keys: keys, codingPath: codingPath + [key], userInfo: userInfo)
        }

        func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
            if T.self == JSONValue.self { return value as! T }
            if T.self == Double.self { return try double() as! T }
            if T.self == Float.self { return Float(try double()) as! T }
            if T.self == String.self { return try string() as! T }
            if T.self == Bool.self { return try bool() as! T }
            if let integerType = T.self as? any FixedWidthInteger.Type { return try integer(integerType) as! T }
            if let dictionaryType = T.self as? any StringKeyedDecodable.Type { return try dictionaryType.init(reader: self) as! T }
            return try T(from: self)
        }

        func double() throws -> Double {
            guard let number = value.number else { throw mismatch("a number") }
            return number
        }

        func string() throws -> String {
            guard case .string(let text) = value else { throw mismatch("a string") }
            return text
        }

        func bool() throws -> Bool {
            guard case .bool(let flag) = value else { throw mismatch("true or false") }
            return flag
        }

        func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
            let result: I?
            switch value {
            case .integer(let number): result = I(exactly: number)
            case .unsigned(let number): result = I(exactly: number)
            case .string(let text): result = I(text)  // seeds above 2^63 as version 0.1.0 wrote them
            default: throw mismatch("an integer")
            }
            guard let result else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath,
                                                        debugDescription: "\(value.text) is not an integer from \(I.min) to \(I.max)"))
            }
            return result
        }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let reader: Reader
        let members: [String: JSONValue]
        var codingPath: [any CodingKey] { reader.codingPath }
        var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

        private func name(_ key: Key) -> String { reader.keys.jsonKey(key.stringValue) }

        func contains(_ key: Key) -> Bool { members[name(key)] != nil }

        private func child(_ key: Key) throws -> Reader {
            guard let value = members[name(key)] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no '\(name(key))'"))
            }
            return reader.child(value, key)
        }

        func decodeNil(forKey key: Key) throws -> Bool { members[name(key)].map { $0 == .null } ?? true }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decodeValue(type) }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let value = members[name(key)], value != .null else { return nil }
            return try reader.child(value, key).decodeValue(type)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try child(key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try child(key).unkeyedContainer() }
        func superDecoder() throws -> any Decoder { try child(Key(stringValue: "super")!) }
        func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let reader: Reader
        let elements: [JSONValue]
        var currentIndex = 0
        var codingPath: [any CodingKey] { reader.codingPath }
        var count: Int? { elements.count }
        var isAtEnd: Bool { currentIndex >= elements.count }

        private mutating func next() throws -> Reader {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "the array has no more elements"))
            }
            defer { currentIndex += 1 }
            return reader.child(elements[currentIndex], IndexKey(index: currentIndex))
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, elements[currentIndex] == .null else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(type) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next().container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { try next() }
    }

    struct Single: SingleValueDecodingContainer {
        let reader: Reader
        var codingPath: [any CodingKey] { reader.codingPath }

        func decodeNil() -> Bool { reader.value == .null }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try reader.decodeValue(type) }
    }
}

/// A dictionary with string keys: its keys are read as they are written, never restyled.
protocol StringKeyedDecodable {
    init(reader: JSONValueDecoder.Reader) throws
}

extension Dictionary: StringKeyedDecodable where Key == String, Value: Decodable {
    init(reader: JSONValueDecoder.Reader) throws {
        guard case .object(let members) = reader.value else { throw reader.mismatch("an object") }
        var dictionary: [String: Value] = [:]
        for member in members {
            dictionary[member.key] = try reader.child(member.value, AnyCodingKey(member.key)).decodeValue(Value.self)
        }
        self = dictionary
    }
}
