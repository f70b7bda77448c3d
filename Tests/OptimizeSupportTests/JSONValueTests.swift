import Testing
@testable import _OptimizeSupport

@Suite struct JSONValueTests {
    @Test func storesUnsignedIntegersAsIntegersWhenTheyFit() {
        #expect(JSONValue.uint64(0) == .integer(0))
        #expect(JSONValue.uint64(UInt64(Int.max)) == .integer(Int.max))
        #expect(JSONValue.uint64(UInt64(Int.max) + 1) == .unsigned(UInt64(Int.max) + 1))
        #expect(JSONValue.uint64(UInt64.max).uint64 == UInt64.max)
        #expect(JSONValue.integer(-1).uint64 == nil)
        #expect(JSONValue.integer(-1).integer == -1)
        #expect(JSONValue.unsigned(UInt64.max).integer == nil)
        #expect(JSONValue.double(6.0).integer == 6, "hand-written files may write integers as 6.0")
        #expect(JSONValue.double(6.5).integer == nil)
    }

    @Test func accessors() throws {
        let value = try JSONReader.parse(#"{"x": [1, 2.5, "a"], "seed": 18446744073709551615, "x": true, "n": null}"#)
        #expect(value["x"] == .bool(true), "the last of a repeated key")
        #expect(value["seed"]?.uint64 == UInt64.max)
        #expect(value["seed"]?.number == 0x1p64)
        #expect(value["missing"] == nil)
        #expect(value["n"] == .null)
        #expect(value.members?.count == 4)
        #expect(JSONValue.array([.integer(1)])["x"] == nil)
        #expect(JSONValue.integer(3).number == 3)
        #expect(JSONValue.string("a").number == nil)
        #expect(JSONValue.string("a").string == "a")
        #expect(JSONValue.bool(true).bool == true)
        #expect(JSONValue.array([.null]).array == [.null])
        #expect([JSONValue.null, .bool(true), .integer(1), .unsigned(UInt64.max), .double(1), .string(""), .array([]), .object([])].map(\.typeName)
            == ["null", "a boolean", "a number", "a number", "a number", "a string", "an array", "an object"])
    }

    @Test func equalityIsExactAndOrdered() {
        #expect(JSONValue.integer(1) != .double(1))
        #expect(JSONValue.integer(1) != .unsigned(1))
        #expect(JSONValue.object([("a", .integer(1)), ("b", .integer(2))]) != .object([("b", .integer(2)), ("a", .integer(1))]))
        #expect(JSONValue.object([("a", .integer(1))]) != .object([("a", .integer(1)), ("b", .integer(2))]))
        #expect(JSONValue.array([.integer(1), .string("x")]) == .array([.integer(1), .string("x")]))
    }

    @Test func equalValuesHashAlikeAndGiveEqualBytes() {
        let values: [JSONValue] = [
            .double(0), .double(-0.0), .double(1), .integer(1), .integer(0), .unsigned(UInt64.max), .string("0"),
            .array([.double(0)]), .array([.double(-0.0)]), .object([("a", .double(-0.0))]), .object([("a", .double(0))]),
            .null, .bool(false),
        ]
        for a in values {
            for b in values where a == b {
                #expect(a.hashValue == b.hashValue, "\(a) == \(b) but they hash differently")
                #expect(a.text == b.text, "\(a) == \(b) but they are written differently")
            }
        }
        #expect(Set(values).count == values.count)
    }
}
