/// A JSON syntax error, with where it was found.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line and column of the byte at fault.
    public let line: Int
    public let column: Int
    public let problem: String
    public var description: String { "line \(line), column \(column): \(problem)" }
    /// Whether the bytes are not UTF-8 (rather than UTF-8 that is not JSON).
    public var isEncodingError: Bool { problem.hasPrefix("the text is not UTF-8") }
}

/// The one JSON reader (RFC 8259): strict UTF-8 (a leading byte-order mark is allowed), escapes
/// checked (surrogates must pair), numbers kept exact (integers up to `UInt64.max` stay integers),
/// key order kept, and every error placed by line and column.
///
/// ```swift
/// let value = try JSONReader.parse(#"[{"draw": 843}]"#)
/// let (entries, lines) = try JSONReader.parseWithElementLines(Array(text.utf8))  // where each entry starts
/// if case .array(var elements) = try JSONReader.document(bytes) {     // one element at a time
///     while let (element, line) = try elements.next() { … }
/// }
/// ```
public enum JSONReader {
    /// The deepest nesting accepted (deeper documents are refused, never a stack overflow).
    public static let maximumDepth = 512

    /// Parses one JSON document.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// Parses one JSON document from its bytes (an array, `Data`, a file's contents).
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        try parseWithElementLines(Array(bytes)).value
    }

    /// Parses one JSON document and says on which line each element of its top-level array starts
    /// (no lines when the document is not an array), for messages about the entries of a file.
    public static func parseWithElementLines(_ bytes: [UInt8]) throws(JSONSyntaxError) -> (value: JSONValue, elementLines: [Int]) {
        var parser = Parser(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            parser.index = 3
            parser.lineStart = 3
        }
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else {
            throw parser.error("unexpected text after the JSON document")
        }
        return (value, parser.elementLines)
    }

    /// A document whose top-level array is read one element at a time (so that a large file's
    /// elements need never be in memory together), or any other document, read whole.
    public enum Document {
        case array(ArrayElements)
        case other(JSONValue)
    }

    /// Starts reading a document: a top-level array is returned unread, to be read element by
    /// element with the same rules as ``parse(_:)-(String)``; any other document is read whole.
    public static func document(_ bytes: [UInt8]) throws(JSONSyntaxError) -> Document {
        var parser = Parser(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            parser.index = 3
            parser.lineStart = 3
        }
        parser.skipWhitespace()
        guard parser.index < bytes.count, bytes[parser.index] == UInt8(ascii: "[") else {
            let value = try parser.value(depth: 0)
            parser.skipWhitespace()
            guard parser.index == bytes.count else { throw parser.error("unexpected text after the JSON document") }
            return .other(value)
        }
        parser.index += 1
        return .array(ArrayElements(parser: parser))
    }

    /// The elements of a top-level array, read one at a time by ``next()``.
    public struct ArrayElements {
        fileprivate var parser: Parser
        private var finished = false
        /// The elements read so far.
        public private(set) var count = 0

        fileprivate init(parser: Parser) { self.parser = parser }

        /// The next element and the line it starts on, or nil after the last one (the rest of the
        /// document checked: nothing but whitespace after the array).
        public mutating func next() throws(JSONSyntaxError) -> (value: JSONValue, line: Int)? {
            guard !finished else { return nil }
            parser.skipWhitespace()
            guard parser.index < parser.bytes.count else {
                throw parser.error(count == 0 ? "the document ends where a value was expected" : "the document ends inside an array (missing ']')")
            }
            if parser.bytes[parser.index] == UInt8(ascii: "]") && count == 0 {
                return try finish()
            }
            if count > 0 {
                if parser.bytes[parser.index] == UInt8(ascii: ",") {
                    parser.index += 1
                    parser.skipWhitespace()
                } else {
                    try parser.expect(UInt8(ascii: "]"), "',' or ']' after an array element")
                    parser.index -= 1
                    return try finish()
                }
            }
            let line = parser.line
            let value = try parser.value(depth: 1)
            count += 1
            return (value, line)
        }

        private mutating func finish() throws(JSONSyntaxError) -> (value: JSONValue, line: Int)? {
            parser.index += 1
            parser.skipWhitespace()
            guard parser.index == parser.bytes.count else { throw parser.error("unexpected text after the JSON document") }
            finished = true
            return nil
        }
    }

    fileprivate struct Parser {
        let bytes: [UInt8]
        var index = 0
        var line = 1
        var lineStart = 0
        var elementLines: [Int] = []

        var column: Int { index - lineStart + 1 }

        func error(_ problem: String) -> JSONSyntaxError {
            JSONSyntaxError(line: line, column: column, problem: problem)
        }

        /// An error at byte `position` of the current line.
        func error(_ problem: String, at position: Int) -> JSONSyntaxError {
            JSONSyntaxError(line: line, column: position - lineStart + 1, problem: problem)
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0D: index += 1
                case 0x0A:
                    index += 1
                    line += 1
                    lineStart = index
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            guard depth < JSONReader.maximumDepth else { throw error("nested too deeply (more than \(JSONReader.maximumDepth) levels)") }
            guard index < bytes.count else { throw error("the document ends where a value was expected") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default:
                let byte = bytes[index]
                let shown = (0x20..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
                throw error("unexpected \(shown) where a value was expected")
            }
        }

        mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
            let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            guard index + expected.count <= bytes.count, bytes[index..<(index + expected.count)].elementsEqual(expected) else {
                throw error("unexpected text where a value was expected")
            }
            index += expected.count
        }

        mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
            guard index < bytes.count, bytes[index] == byte else {
                throw error(index < bytes.count ? "expected \(what)" : "the document ends where \(what) was expected")
            }
            index += 1
        }

        mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            index += 1
            var members: [(key: String, value: JSONValue)] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw error("expected a member name in double quotes")
                }
                let key = try string()
                skipWhitespace()
                try expect(UInt8(ascii: ":"), "':' after the member name")
                skipWhitespace()
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                guard index < bytes.count else { throw error("the document ends inside an object (missing '}')") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect(UInt8(ascii: "}"), "',' or '}' after an object member")
                return .object(members)
            }
        }

        mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            index += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                if depth == 0 { elementLines.append(line) }
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw error("the document ends inside an array (missing ']')") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect(UInt8(ascii: "]"), "',' or ']' after an array element")
                return .array(elements)
            }
        }

        mutating func number() throws(JSONSyntaxError) -> JSONValue {
            let start = index
            let negative = bytes[index] == UInt8(ascii: "-")
            if negative { index += 1 }
            let integerStart = index
            guard digits() > 0 else { throw error("a number needs digits") }
            if bytes[integerStart] == UInt8(ascii: "0") && index - integerStart > 1 {
                throw JSONSyntaxError(line: line, column: integerStart - lineStart + 1, problem: "a number cannot start with 0")
            }
            var isInteger = true
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                isInteger = false
                guard digits() > 0 else { throw error("a number needs digits after '.'") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                isInteger = false
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw error("a number needs digits in its exponent") }
            }
            let literal = String(decoding: bytes[start..<index], as: UTF8.self)
            if isInteger {
                if let value = Int(literal) { return .integer(value) }
                if !negative, let value = UInt64(literal) { return .unsigned(value) }
            }
            guard let value = Double(literal), value.isFinite else {
                throw JSONSyntaxError(line: line, column: start - lineStart + 1, problem: "the number \(literal) is out of range")
            }
            return .double(value)
        }

        mutating func digits() -> Int {
            let first = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - first
        }

        mutating func string() throws(JSONSyntaxError) -> String {
            index += 1
            var scalars = String.UnicodeScalarView()
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return String(scalars)
                case 0..<0x20:
                    throw error("a control character inside a string (write it as an escape such as \\n)")
                case UInt8(ascii: "\\"):
                    index += 1
                    guard index < bytes.count else { break }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"): scalars.append(try unicodeEscape())
                    default:
                        index -= 2
                        throw error("an unknown escape '\\\(Character(Unicode.Scalar(escape)))' in a string")
                    }
                case 0x80...:
                    scalars.append(try utf8Scalar())
                default:
                    scalars.append(Unicode.Scalar(byte))
                    index += 1
                }
            }
            throw error("the document ends inside a string (missing '\"')")
        }

        /// The scalar of `\uXXXX` (the `\u` already read), joining a surrogate pair; errors point
        /// at the escape.
        mutating func unicodeEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
            let start = index - 2
            func hex(_ value: UInt32) -> String {
                let digits = String(value, radix: 16, uppercase: true)
                return "\\u" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
            }
            let high = try hex4(escapeStart: start)
            switch high {
            case 0xD800...0xDBFF:
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error("a high surrogate \(hex(high)) is not followed by a low surrogate (an invalid \\u escape)", at: start)
                }
                index += 2
                let low = try hex4(escapeStart: index - 2)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error("a high surrogate \(hex(high)) is followed by \(hex(low)), which is not a low surrogate (an invalid \\u escape)", at: start)
                }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
            case 0xDC00...0xDFFF:
                throw error("a low surrogate \(hex(high)) without a high surrogate before it (an invalid \\u escape)", at: start)
            default:
                return Unicode.Scalar(high)!
            }
        }

        mutating func hex4(escapeStart: Int) throws(JSONSyntaxError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw error("the escape \\u needs four hexadecimal digits", at: escapeStart) }
            var value: UInt32 = 0
            for offset in 0..<4 {
                let byte = bytes[index + offset]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw error("the escape \\u needs four hexadecimal digits", at: escapeStart)
                }
                value = value << 4 | UInt32(digit)
            }
            index += 4
            return value
        }

        /// One UTF-8 encoded scalar starting at `index` (a byte of 0x80 or more), strictly checked.
        mutating func utf8Scalar() throws(JSONSyntaxError) -> Unicode.Scalar {
            let lead = bytes[index]
            let length: Int
            var value: UInt32
            switch lead {
            case 0xC2...0xDF: length = 2; value = UInt32(lead & 0x1F)
            case 0xE0...0xEF: length = 3; value = UInt32(lead & 0x0F)
            case 0xF0...0xF4: length = 4; value = UInt32(lead & 0x07)
            default: throw error("the text is not UTF-8 (byte 0x\(String(lead, radix: 16)))")
            }
            guard index + length <= bytes.count else { throw error("the text is not UTF-8 (a sequence is cut short)") }
            for offset in 1..<length {
                let byte = bytes[index + offset]
                guard byte & 0xC0 == 0x80 else { throw error("the text is not UTF-8 (byte 0x\(String(byte, radix: 16)))") }
                value = value << 6 | UInt32(byte & 0x3F)
            }
            let shortest: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
            guard value >= shortest, let scalar = Unicode.Scalar(value) else {
                throw error("the text is not UTF-8 (an overlong sequence or a surrogate)")
            }
            index += length
            return scalar
        }
    }
}
