/// Encodes `Encodable` records into a ``JSONValue``, keys in the order the record encodes them
/// (for synthesised conformances, the order of declaration).
///
/// Optional properties that are nil are left out. A double that is not finite cannot be written
/// as JSON and is refused with an `EncodingError` naming its key path.
///
/// ```swift
/// struct Entry: Codable { let chunk: Int; let firstSeed: UInt64 }
/// try JSONValueEncoder(keys: .snakeCase).encode(Entry(chunk: 0, firstSeed: 7)).text
/// // {"chunk":0,"first_seed":7}
/// ```
public struct JSONValueEncoder: Sendable {
    public var keys: JSONKeyStyle

    public init(keys: JSONKeyStyle = .asDeclared) { self.keys = keys }

    public func encode(_ value: some Encodable) throws(InputError) -> JSONValue {
        let box = Box(keys: keys, codingPath: [])
        do {
            try box.encodeValue(value)
        } catch {
            throw InputError(.invalidOption, source: "a record",
                             problem: "it cannot be written as JSON (\(error))",
                             fix: "report this: a record holds a value JSON cannot hold")
        }
        return box.result
    }

    /// A reference through which nested containers write into their parent's slot.
    final class Box: Encoder {
        let keys: JSONKeyStyle
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        var value: JSONValue?
        /// Members or elements being built, kept here so that nested containers append to them.
        var members: [(key: String, value: Box)] = []
        var elements: [Box] = []
        var kind: Kind = .single

        enum Kind { case single, keyed, unkeyed }

        init(keys: JSONKeyStyle, codingPath: [any CodingKey]) {
            self.keys = keys
            self.codingPath = codingPath
        }

        var result: JSONValue {
            switch kind {
            case .single: value ?? .null
            case .keyed: .object(members.compactMap { member in member.value.isAbsent ? nil : (member.key, member.value.result) })
            case .unkeyed: .array(elements.map(\.result))
            }
        }

        /// A nil optional encoded through `encodeIfPresent` never reaches here; an explicit nil does.
        var isAbsent: Bool { kind == .single && value == nil }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            kind = .keyed
            return KeyedEncodingContainer(Keyed<Key>(box: self))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            kind = .unkeyed
            return Unkeyed(box: self)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(box: self) }

        func child(_ key: any CodingKey) -> Box { Box(keys: keys, codingPath: codingPath + [key]) }

        func set(_ newValue: JSONValue) { value = newValue }

        func encodeValue(_ value: some Encodable) throws {
            switch value {
            case let value as JSONValue: set(value)
            case let value as Double:
                guard value.isFinite else {
                    throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "\(value) is not a finite number"))
                }
                set(.double(value))
            case let value as Float: try encodeValue(Double(value))
            case let value as String: set(.string(value))
            case let value as Bool: set(.bool(value))
            case let value as any FixedWidthInteger:
                if let signed = Int(exactly: value) { set(.integer(signed)) } else { set(.uint64(UInt64(value))) }
            case let dictionary as any StringKeyedDictionary:
                // Keys sorted (a dictionary has no order of its own) and written as they are.
                kind = .keyed
                for (key, element) in dictionary.sortedMembers {
                    let child = self.child(AnyCodingKey(key))
                    members.append((key, child))
                    try child.encodeValue(element)
                }
            default:
                try value.encode(to: self)
                // A container-less encode (an empty struct) still gives an object.
                if kind == .single && self.value == nil && !(value is any OptionalMarker) { kind = .keyed }
            }
        }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: Box
        var codingPath: [any CodingKey] { box.codingPath }

        private func slot(_ key: Key) -> Box {
            let child = box.child(key)
            box.members.append((box.keys.jsonKey(key.stringValue), child))
            return child
        }

        mutating func encodeNil(forKey key: Key) throws { slot(key).set(.null) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { slot(key).set(.bool(value)) }
        mutating func encode(_ value: String, forKey key: Key) throws { slot(key).set(.string(value)) }
        mutating func encode(_ value: Int, forKey key: Key) throws { slot(key).set(.integer(value)) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { slot(key).set(.integer(Int(value))) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { slot(key).set(.integer(Int(value))) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { slot(key).set(.uint64(value)) }
        mutating func encode(_ value: some Encodable, forKey key: Key) throws { try slot(key).encodeValue(value) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            slot(key).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { slot(key).unkeyedContainer() }
        mutating func superEncoder() -> any Encoder { slot(Key(stringValue: "super")!) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { slot(key) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let box: Box
        var codingPath: [any CodingKey] { box.codingPath }
        var count: Int { box.elements.count }

        private func slot() -> Box {
            let child = box.child(IndexKey(index: box.elements.count))
            box.elements.append(child)
            return child
        }

        mutating func encodeNil() throws { slot().set(.null) }
        mutating func encode(_ value: Bool) throws { slot().set(.bool(value)) }
        mutating func encode(_ value: String) throws { slot().set(.string(value)) }
        mutating func encode(_ value: Int) throws { slot().set(.integer(value)) }
        mutating func encode(_ value: UInt64) throws { slot().set(.uint64(value)) }
        mutating func encode(_ value: some Encodable) throws { try slot().encodeValue(value) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            slot().container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { slot().unkeyedContainer() }
        mutating func superEncoder() -> any Encoder { slot() }
    }

    struct Single: SingleValueEncodingContainer {
        let box: Box
        var codingPath: [any CodingKey] { box.codingPath }

        mutating func encodeNil() throws { box.set(.null) }
        mutating func encode(_ value: Bool) throws { box.set(.bool(value)) }
        mutating func encode(_ value: String) throws { box.set(.string(value)) }
        mutating func encode(_ value: Int) throws { box.set(.integer(value)) }
        mutating func encode(_ value: UInt64) throws { box.set(.uint64(value)) }
        mutating func encode(_ value: some Encodable) throws { try box.encodeValue(value) }
    }
}

/// The integer key of an array element in a coding path.
struct IndexKey: CodingKey {
    let index: Int
    init(index: Int) { self.index = index }
    var stringValue: String { "[\(index)]" }
    var intValue: Int? { index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { index = intValue }
}

/// A string key in a coding path.
struct AnyCodingKey: CodingKey {
    let stringValue: String
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}

/// A dictionary with string keys: encoded with its keys sorted and never restyled.
protocol StringKeyedDictionary {
    var sortedMembers: [(String, any Encodable)] { get }
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Encodable {
    var sortedMembers: [(String, any Encodable)] { keys.sorted().map { ($0, self[$0]!) } }
}

/// Lets the encoder tell an `Optional` apart (its nil writes nothing of its own).
protocol OptionalMarker {}
extension Optional: OptionalMarker {}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        if let decoder = decoder as? JSONValueDecoder.Reader {
            self = decoder.value
            return
        }
        throw DecodingError.typeMismatch(JSONValue.self, .init(codingPath: decoder.codingPath,
                                                              debugDescription: "JSONValue decodes only through JSONValueDecoder"))
    }

    public func encode(to encoder: any Encoder) throws {
        if let box = encoder as? JSONValueEncoder.Box {
            box.set(self)
            return
        }
        throw EncodingError.invalidValue(self, .init(codingPath: encoder.codingPath,
                                                     debugDescription: "JSONValue encodes only through JSONValueEncoder"))
    }
}
