import Foundation
import Sieve
import Study

/// JSON text for the run's files: keys in the order built, doubles in their shortest exact form,
/// so that equal values always give equal bytes.
public enum PrettyJSON {
    /// Indented text (two spaces), ending without a newline.
    public static func pretty(_ value: JSONValue, indent: Int = 0) -> String {
        var output = ""
        write(value, indent: indent, to: &output)
        return output
    }

    /// `pretty` plus a final newline, as bytes.
    public static func file(_ value: JSONValue) -> Data {
        Data((pretty(value) + "\n").utf8)
    }

    static func write(_ value: JSONValue, indent: Int, to output: inout String) {
        let pad = String(repeating: " ", count: indent + 2)
        switch value {
        case .array(let values) where !values.isEmpty:
            output += "[\n"
            for (index, element) in values.enumerated() {
                output += pad
                write(element, indent: indent + 2, to: &output)
                output += index + 1 < values.count ? ",\n" : "\n"
            }
            output += String(repeating: " ", count: indent) + "]"
        case .object(let members) where !members.isEmpty:
            output += "{\n"
            for (index, member) in members.enumerated() {
                output += pad + JSONValue.string(member.key).text + ": "
                write(member.value, indent: indent + 2, to: &output)
                output += index + 1 < members.count ? ",\n" : "\n"
            }
            output += String(repeating: " ", count: indent) + "}"
        case .double(let number) where !number.isFinite:
            output += "null"
        default:
            output += value.text
        }
    }
}

extension JSONValue {
    /// An unsigned 64-bit integer: as an integer when it fits `Int`, else as its decimal string.
    static func unsigned(_ value: UInt64) -> JSONValue {
        value <= UInt64(Int.max) ? .integer(Int(value)) : .string(String(value))
    }

    /// A double, or null when it is not finite.
    static func number(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return .double(value)
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var integer: Int? {
        switch self {
        case .integer(let value): return value
        case .double(let value) where value == value.rounded() && abs(value) < 9e15: return Int(value)
        default: return nil
        }
    }

    /// An unsigned integer written as an integer or a decimal string.
    var unsignedInteger: UInt64? {
        switch self {
        case .integer(let value) where value >= 0: return UInt64(value)
        case .string(let text): return UInt64(text)
        default: return nil
        }
    }

    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var array: [JSONValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    /// A copy of an object with `key` set (replaced in place, or appended).
    func setting(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else { return self }
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = value
        } else {
            members.append((key, value))
        }
        return .object(members)
    }
}

extension JSONValue {
    /// Parses JSON keeping what the run's files need to reproduce byte for byte: object keys in
    /// their order, and numbers written with a fraction or an exponent as doubles (`6.0` stays
    /// `6.0`), the others as integers.
    static func parseOrdered(_ data: Data) throws -> JSONValue {
        let node = try JSONReader.parse(String(decoding: data, as: UTF8.self))
        return convert(node)
    }

    private static func convert(_ node: JSONNode) -> JSONValue {
        switch node.kind {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .string(let value): return .string(value)
        case .number(let literal):
            if !literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let integer = Int(literal) {
                return .integer(integer)
            }
            return .double(Double(literal) ?? .nan)
        case .array(let elements): return .array(elements.map(convert))
        case .object(let members): return .object(members.map { ($0.key, convert($0.value)) })
        }
    }
}
