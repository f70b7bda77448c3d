import Testing
@testable import _OptimizeSupport

/// The syntax error `text` is refused with, or nil when it parses.
private func syntaxError(_ bytes: [UInt8]) -> JSONSyntaxError? {
    do {
        _ = try JSONReader.parse(bytes)
        return nil
    } catch {
        return error
    }
}

private func syntaxError(_ text: String) -> JSONSyntaxError? { syntaxError(Array(text.utf8)) }

/// A JSON document holding one string whose body is `body` (raw bytes between the quotes).
private func stringDocument(_ body: [UInt8]) -> [UInt8] { [0x22] + body + [0x22] }

@Suite struct JSONReaderTests {
    // MARK: Values

    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONReader.parse(#" {"a": [1, -2, 2.5, "x", true, false, null, {}, []]} "#)
        #expect(value == .object([("a", .array([
            .integer(1), .integer(-2), .double(2.5), .string("x"), .bool(true), .bool(false), .null,
            .object([]), .array([]),
        ]))]))
    }

    @Test func keepsKeyOrder() throws {
        let value = try JSONReader.parse(#"{"z": 1, "a": 2, "m": 3}"#)
        #expect(value.members?.map(\.key) == ["z", "a", "m"])
    }

    @Test(arguments: ["1", "\"x\"", "null", "true", "[]", "{}", "-0", "0.5", "1e3", "1E+3", "1e-3", " \t\r\n7\n"])
    func acceptsTopLevelScalarsAndWhitespace(_ text: String) {
        #expect(syntaxError(text) == nil)
    }

    @Test(arguments: [
        "", " ", "[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{a:1}", "'a'", "nul", "tru", "[", "{", "\"abc",
        "1 2", "+1", ".5", "1.", "1.e3", "1e", "1e+", "-", "--1", "NaN", "Infinity", "-Infinity", "[1]]",
        "\u{0C}1", "\"\\x\"", "\"\\\"",
    ])
    func refusesMalformedDocuments(_ text: String) {
        #expect(syntaxError(text) != nil)
    }

    @Test func refusesRawControlCharactersInStrings() {
        #expect(syntaxError(stringDocument([0x61, 0x0A, 0x62])) != nil)
        #expect(syntaxError(stringDocument([0x09])) != nil)
        #expect(syntaxError(stringDocument([0x00])) != nil)
        // DEL (0x7F) is not a control character in RFC 8259.
        #expect(syntaxError(stringDocument([0x7F])) == nil)
    }

    @Test func decodesSimpleEscapes() throws {
        let value = try JSONReader.parse(#""\" \\ \/ \b \f \n \r \t \u0041 \u00e9 \u20AC""#)
        #expect(value == .string("\" \\ / \u{08} \u{0C} \n \r \t A é €"))
    }

    // MARK: Surrogates and \u escapes

    @Test func joinsASurrogatePair() throws {
        // U+1F600 GRINNING FACE is D83D DE00 in UTF-16.
        let value = try JSONReader.parse(#""\uD83D\uDE00""#)
        #expect(value.string?.unicodeScalars.map(\.value) == [0x1F600])
        // The lowest and highest pairs.
        #expect(try JSONReader.parse(#""\uD800\uDC00""#).string?.unicodeScalars.map(\.value) == [0x10000])
        #expect(try JSONReader.parse(#""\udbff\udfff""#).string?.unicodeScalars.map(\.value) == [0x10FFFF])
    }

    @Test(arguments: [
        #""\uD800\u0041""#,   // a high surrogate, then an escape that is not a low surrogate
        #""\uD83D\uD83D""#,   // two high surrogates
        #""\uD800\uE000""#,   // just above the low surrogates
        #""\uD800\u+123""#,   // a high surrogate, then a malformed escape
        #""\uD800""#,         // a high surrogate at the end of the string
        #""\uD800x""#,        // a high surrogate followed by a character
        #""\uD800\n""#,       // a high surrogate followed by another kind of escape
        #""\uDC00""#,         // a lone low surrogate
        #""\uDFFF\uD800""#,   // a pair in the wrong order
        #""\uD800"#,          // a high surrogate at the end of the document
    ])
    func refusesUnpairedSurrogates(_ text: String) {
        #expect(syntaxError(text) != nil, "\(text) was accepted")
    }

    @Test(arguments: [#""\u+123""#, #""\u12G4""#, #""\u123""#, #""\u-123""#, #""\u 123""#, #""\u12""#, #""\U0041""#])
    func refusesMalformedUnicodeEscapes(_ text: String) {
        #expect(syntaxError(text) != nil, "\(text) was accepted")
    }

    // MARK: UTF-8

    @Test func acceptsWellFormedUTF8() throws {
        // 2-, 3- and 4-byte sequences, the largest scalar, and the scalars around the surrogates.
        let text = "é€😀\u{10FFFF}\u{D7FF}\u{E000}"
        #expect(try JSONReader.parse(stringDocument(Array(text.utf8))) == .string(text))
    }

    @Test(arguments: [
        [0xC0, 0x80],               // overlong NUL
        [0xC1, 0xBF],               // overlong 2-byte
        [0xE0, 0x80, 0xAF],         // overlong '/' in 3 bytes
        [0xF0, 0x80, 0x80, 0xAF],   // overlong '/' in 4 bytes
        [0xE2, 0x82],               // truncated 3-byte sequence (then the closing quote)
        [0xF0, 0x9F, 0x98],         // truncated 4-byte sequence
        [0x80],                     // lone continuation byte
        [0xBF],                     // lone continuation byte
        [0x61, 0xA9, 0x62],         // continuation byte between ASCII
        [0xED, 0xA0, 0x80],         // UTF-8 encoded high surrogate U+D800
        [0xED, 0xBF, 0xBF],         // UTF-8 encoded low surrogate U+DFFF
        [0xF4, 0x90, 0x80, 0x80],   // above U+10FFFF
        [0xF5, 0x80, 0x80, 0x80],   // invalid lead byte
        [0xFF],                     // invalid byte
        [0xC3, 0x28],               // lead byte followed by a non-continuation
    ] as [[UInt8]])
    func refusesInvalidUTF8(_ body: [UInt8]) {
        #expect(syntaxError(stringDocument(body)) != nil, "\(body) was accepted")
    }

    @Test func refusesATruncatedSequenceAtTheEndOfTheDocument() {
        #expect(syntaxError([0x22, 0xE2, 0x82]) != nil)
    }

    @Test func refusesInvalidUTF8OutsideStrings() {
        #expect(syntaxError([0x5B, 0xC3, 0xA9, 0x5D]) != nil)   // [é]
    }

    @Test func acceptsALeadingByteOrderMark() throws {
        let value = try JSONReader.parse([0xEF, 0xBB, 0xBF] + Array(#"{"a": 1}"#.utf8))
        #expect(value == .object([("a", .integer(1))]))
        // Only one, and only at the start.
        #expect(syntaxError([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + Array("1".utf8)) != nil)
        #expect(syntaxError(Array(" ".utf8) + [0xEF, 0xBB, 0xBF] + Array("1".utf8)) != nil)
    }

    // MARK: Numbers

    @Test(arguments: ["01", "-01", "00", "0123", "-00.5", "[01]"])
    func refusesLeadingZeros(_ text: String) {
        #expect(syntaxError(text) != nil, "\(text) was accepted")
    }

    @Test func keepsIntegersExact() throws {
        #expect(try JSONReader.parse("9007199254740993") == .integer(9_007_199_254_740_993))  // 2^53 + 1
        #expect(try JSONReader.parse("-9007199254740993") == .integer(-9_007_199_254_740_993))
        #expect(try JSONReader.parse("9223372036854775807") == .integer(Int.max))
        #expect(try JSONReader.parse("9223372036854775808") == .unsigned(9_223_372_036_854_775_808))
        #expect(try JSONReader.parse("18446744073709551615") == .unsigned(UInt64.max))
        #expect(try JSONReader.parse("18446744073709551615").uint64 == UInt64.max)
        #expect(try JSONReader.parse("-9223372036854775808") == .integer(Int.min))
        #expect(try JSONReader.parse("0") == .integer(0))
        #expect(try JSONReader.parse("-0") == .integer(0))
    }

    @Test func readsIntegersBeyondUInt64AsDoubles() throws {
        #expect(try JSONReader.parse("18446744073709551616") == .double(0x1p64))
        #expect(try JSONReader.parse("-9223372036854775809") == .double(-0x1p63))
    }

    @Test func readsFractionsAndExponentsAsDoubles() throws {
        #expect(try JSONReader.parse("1.0") == .double(1))
        #expect(try JSONReader.parse("1e2") == .double(100))
        #expect(try JSONReader.parse("-2.5E-3") == .double(-0.0025))
        #expect(try JSONReader.parse("0.1") == .double(0.1))
        #expect(try JSONReader.parse("5e-324") == .double(.leastNonzeroMagnitude))
        #expect(try JSONReader.parse("1.7976931348623157e308") == .double(.greatestFiniteMagnitude))
    }

    @Test(arguments: ["1e400", "-1e400", "1.8e308", "[1E309]"])
    func refusesNumbersOutOfRange(_ text: String) {
        let error = syntaxError(text)
        #expect(error != nil, "\(text) was accepted")
        #expect(error?.problem.contains("out of range") == true)
    }

    // MARK: Nesting

    @Test func acceptsNestingUpToTheLimit() throws {
        let depth = JSONReader.maximumDepth
        #expect(syntaxError(String(repeating: "[", count: depth) + String(repeating: "]", count: depth)) == nil)
    }

    @Test func refusesDeepNestingWithoutCrashing() {
        let depth = JSONReader.maximumDepth + 1
        #expect(syntaxError(String(repeating: "[", count: depth) + String(repeating: "]", count: depth)) != nil)
        // Far deeper than any stack would take, arrays and objects, closed or not.
        let deep = 1_000_000
        #expect(syntaxError(String(repeating: "[", count: deep)) != nil)
        #expect(syntaxError(String(repeating: #"{"a":"#, count: deep)) != nil)
        let error = syntaxError(String(repeating: "[", count: deep) + String(repeating: "]", count: deep))
        #expect(error?.problem.contains("nested too deeply") == true)
    }

    // MARK: Positions

    @Test func placesErrorsByLineAndColumn() {
        let error = syntaxError("{\n  \"a\": 1,\n  \"b\": tru\n}")
        #expect(error?.line == 3)
        #expect(error?.column == 8)
        #expect(error?.description.hasPrefix("line 3, column 8: ") == true)

        let leadingZero = syntaxError("[\n1,\n  012]")
        #expect(leadingZero?.line == 3)
        #expect(leadingZero?.column == 3)

        let trailing = syntaxError("[1]\n\n x")
        #expect(trailing?.line == 3)
        #expect(trailing?.column == 2)

        let first = syntaxError("x")
        #expect(first?.line == 1)
        #expect(first?.column == 1)
    }

    @Test func countsColumnsAfterTheByteOrderMarkFromOne() {
        let error = syntaxError([0xEF, 0xBB, 0xBF] + Array("x".utf8))
        #expect(error?.line == 1)
        #expect(error?.column == 1)
    }

    @Test func placesAnUnterminatedStringAtTheEnd() {
        let error = syntaxError("[\"ab")
        #expect(error?.line == 1)
        #expect(error?.column == 5)
    }

    @Test func givesTheLineOfEachTopLevelElement() throws {
        let text = """
            [
              {"draw": 1},
              {"draw": 2,
               "more": [1,
                        2]},

              3, 4
            ]
            """
        let (value, lines) = try JSONReader.parseWithElementLines(Array(text.utf8))
        #expect(value.array?.count == 4)
        #expect(lines == [2, 3, 7, 7])
    }

    @Test func givesNoElementLinesForANonArray() throws {
        let (_, lines) = try JSONReader.parseWithElementLines(Array("{\"a\": [1, 2]}".utf8))
        #expect(lines.isEmpty)
        let (_, empty) = try JSONReader.parseWithElementLines(Array("[]".utf8))
        #expect(empty.isEmpty)
    }

    @Test func givesElementLinesAfterAByteOrderMark() throws {
        let (_, lines) = try JSONReader.parseWithElementLines([0xEF, 0xBB, 0xBF] + Array("[1,\n2]".utf8))
        #expect(lines == [1, 2])
    }
}

@Suite("JSONReader: a top-level array read element by element")
struct JSONReaderStreamingTests {
    @Test("the elements and their lines are those of the whole-document parse; errors are the same",
          arguments: ["[]", " [ 1 ]\n", "\u{FEFF}[{\"draw\": 1},\r\n {\"draw\": 2, \"s\": \"a\\u00e9\"},\n[3, [4]]]",
                      "[1,]", "[1 2]", "[1] x", "[\"\\uD800\\u0041\"]", "[", "{\"a\": 1}", "7"])
    func sameAsWhole(_ text: String) throws {
        let bytes = Array(text.utf8)
        let whole = Result { () throws(JSONSyntaxError) in try JSONReader.parseWithElementLines(bytes) }
        let streamed = Result { () throws(JSONSyntaxError) -> (JSONValue, [Int]) in
            switch try JSONReader.document(bytes) {
            case .other(let value): return (value, [])
            case .array(var elements):
                var values: [JSONValue] = []
                var lines: [Int] = []
                while let (value, line) = try elements.next() {
                    values.append(value)
                    lines.append(line)
                }
                return (.array(values), lines)
            }
        }
        switch (whole, streamed) {
        case (.success(let a), .success(let b)):
            #expect(a.value == b.0)
            #expect(a.elementLines == b.1)
        case (.failure(let a), .failure(let b)):
            #expect(a == b)
        default:
            Issue.record("\(text): whole \(whole), streamed \(streamed)")
        }
    }
}
