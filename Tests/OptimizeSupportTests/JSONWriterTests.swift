import Testing
@testable import _OptimizeSupport

@Suite struct JSONWriterTests {
    private let sample: JSONValue = .object([
        ("name", .string("w1")),
        ("seeds", .array([.integer(1), .unsigned(UInt64.max), .integer(-3)])),
        ("empty", .object([])),
        ("none", .array([])),
        ("nested", .object([("ok", .bool(true)), ("x", .null), ("f", .double(0.5))])),
    ])

    @Test func writesCompactText() {
        #expect(JSONWriter.compact(sample)
            == #"{"name":"w1","seeds":[1,18446744073709551615,-3],"empty":{},"none":[],"nested":{"ok":true,"x":null,"f":0.5}}"#)
        #expect(sample.text == JSONWriter.compact(sample))
        #expect(sample.description == sample.text)
    }

    @Test func writesPrettyText() {
        let expected = """
            {
              "name": "w1",
              "seeds": [
                1,
                18446744073709551615,
                -3
              ],
              "empty": {},
              "none": [],
              "nested": {
                "ok": true,
                "x": null,
                "f": 0.5
              }
            }
            """
        #expect(JSONWriter.pretty(sample) == expected)
        #expect(sample.prettyText == expected)
        #expect(sample.fileBytes == Array((expected + "\n").utf8))
    }

    @Test func indentsFromTheGivenLevel() {
        #expect(JSONWriter.pretty(.array([.integer(1)]), indent: 4) == "[\n      1\n    ]")
    }

    @Test func writesScalarsAtTheTopLevel() {
        #expect(JSONWriter.compact(.null) == "null")
        #expect(JSONWriter.compact(.bool(false)) == "false")
        #expect(JSONWriter.compact(.integer(Int.min)) == "-9223372036854775808")
        #expect(JSONWriter.pretty(.string("a")) == #""a""#)
        #expect(JSONWriter.pretty(.object([])) == "{}")
    }

    @Test func keepsKeyOrder() throws {
        let keys = ["zeta", "alpha", "mid", "Beta", "_", "1"]
        let value = JSONValue.object(keys.enumerated().map { ($0.element, .integer($0.offset)) })
        #expect(value.text == #"{"zeta":0,"alpha":1,"mid":2,"Beta":3,"_":4,"1":5}"#)
        #expect(try JSONReader.parse(value.text).members?.map(\.key) == keys)
        #expect(try JSONReader.parse(value.prettyText).members?.map(\.key) == keys)
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() {
        #expect(JSONWriter.string("a\"b\\c") == #""a\"b\\c""#)
        #expect(JSONWriter.string("\n\r\t") == #""\n\r\t""#)
        #expect(JSONWriter.string("\u{00}\u{01}\u{08}\u{0C}\u{1F}") == #""\u0000\u0001\u0008\u000c\u001f""#)
        // Not escaped: the solidus, DEL, and everything outside ASCII (written as UTF-8).
        #expect(JSONWriter.string("/\u{7F}é😀\u{2028}") == "\"/\u{7F}é😀\u{2028}\"")
    }

    @Test func everyControlCharacterRoundTrips() throws {
        let text = String(String.UnicodeScalarView((0..<0x20).map { Unicode.Scalar(UInt8($0)) })) + "\"\\ x"
        let written = JSONWriter.string(text)
        #expect(!written.utf8.contains { $0 < 0x20 })
        #expect(try JSONReader.parse(written) == .string(text))
        // In keys too.
        let object = JSONValue.object([(text, .integer(1))])
        #expect(try JSONReader.parse(object.text) == object)
    }

    @Test func doublesAreWrittenAsDoubles() throws {
        // A double with an integral value still reads back as a double, not an integer.
        for value in [1.0, -0.0, 0.0, 1e16, 1e300, 123456789012345678.0, -2.0] {
            let text = JSONValue.double(value).text
            let back = try JSONReader.parse(text)
            guard case .double(let read) = back else {
                Issue.record("\(value) was written as \(text) and read back as \(back)")
                continue
            }
            #expect(read.bitPattern == value.bitPattern, "\(value) → \(text) → \(read)")
        }
    }

    @Test func randomDoublesRoundTripBitForBit() throws {
        var random = SplitMix64(seed: 0x5EED)
        var values: [Double] = [
            .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
            -.greatestFiniteMagnitude, .ulpOfOne, 0.1, 1.0 / 3.0, Double(bitPattern: 1), Double(bitPattern: 0x000F_FFFF_FFFF_FFFF),  // the smallest and largest subnormals
        ]
        while values.count < 20_000 {
            // Random bit patterns cover every exponent; skip the non-finite ones JSON cannot hold.
            let bits = Double(bitPattern: random.next())
            if bits.isFinite { values.append(bits) }
            // And values in everyday ranges.
            values.append(Double(random.next() >> 11) / Double(1 << 53) * 1000)
        }
        let document = JSONValue.array(values.map { .double($0) })
        for text in [document.text, document.prettyText] {
            guard case .array(let read) = try JSONReader.parse(text) else {
                Issue.record("not an array")
                return
            }
            #expect(read.count == values.count)
            for (value, back) in zip(values, read) {
                guard case .double(let readValue) = back, readValue.bitPattern == value.bitPattern else {
                    Issue.record("\(value) (bits \(String(value.bitPattern, radix: 16))) read back as \(back)")
                    return
                }
            }
        }
    }

    @Test func writingIsDeterministic() throws {
        // Equal values give equal bytes: parse → write is a fixed point of write.
        let text = sample.text
        #expect(try JSONReader.parse(text).text == text)
        #expect(try JSONReader.parse(sample.prettyText).text == text)
    }
}
