/// The one JSON writer: compact text for journal lines, indented text for files.
///
/// Keys in their stored order; doubles in Swift's shortest round-tripping form; strings escaped as
/// RFC 8259 requires (quote, backslash, control characters), everything else written as UTF-8.
///
/// ```swift
/// JSONWriter.compact(.object([("a", .integer(1)), ("b", .array([]))]))   // {"a":1,"b":[]}
/// JSONWriter.pretty(.object([("a", .integer(1))]))                     // "{\n  \"a\": 1\n}"
/// ```
public enum JSONWriter {
    /// Compact text: no spaces, no newlines.
    public static func compact(_ value: JSONValue) -> String {
        var output = ""
        write(value, indent: nil, to: &output)
        return output
    }

    /// Indented text (two spaces per level; `"key": value`; empty containers as `[]` and `{}`),
    /// without a final newline.
    public static func pretty(_ value: JSONValue, indent: Int = 0) -> String {
        var output = ""
        write(value, indent: indent, to: &output)
        return output
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    public static func string(_ value: String) -> String {
        var output = ""
        writeString(value, to: &output)
        return output
    }

    private static func write(_ value: JSONValue, indent: Int?, to output: inout String) {
        switch value {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .integer(let value): output += String(value)
        case .unsigned(let value): output += String(value)
        case .double(let value):
            // Finite by construction (the encoder refuses others); `description` round-trips.
            output += value.isFinite ? value.description : "null"
        case .string(let value): writeString(value, to: &output)
        case .array(let values):
            guard !values.isEmpty else { output += "[]"; return }
            output += "["
            for (index, element) in values.enumerated() {
                if index > 0 { output += "," }
                if let indent { output += "\n" + String(repeating: " ", count: indent + 2) }
                write(element, indent: indent.map { $0 + 2 }, to: &output)
            }
            if let indent { output += "\n" + String(repeating: " ", count: indent) }
            output += "]"
        case .object(let members):
            guard !members.isEmpty else { output += "{}"; return }
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += "," }
                if let indent { output += "\n" + String(repeating: " ", count: indent + 2) }
                writeString(member.key, to: &output)
                output += indent == nil ? ":" : ": "
                write(member.value, indent: indent.map { $0 + 2 }, to: &output)
            }
            if let indent { output += "\n" + String(repeating: " ", count: indent) }
            output += "}"
        }
    }

    private static func writeString(_ value: String, to output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
