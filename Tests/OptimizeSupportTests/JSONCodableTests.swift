import Testing
@testable import _OptimizeSupport

private enum Family: String, Codable, Equatable {
    case mt19937
    case xorshift128Plus = "xorshift128+"
}

private enum Level: Int, Codable, Equatable {
    case low = 1
    case high = 9
}

private struct SeedRange: Codable, Equatable {
    var firstSeed: UInt64
    var lastSeed: UInt64
}

private struct Record: Codable, Equatable {
    var chunkIndex: Int
    var family: Family
    var level: Level
    var range: SeedRange
    var ranges: [SeedRange]
    var note: String?
    var weight: Double?
    var survivorsBySeed: [String: UInt64]
    var flags: [Bool]
    var small: Int8
    var medium: UInt32
    var signed: Int64
}

private let record = Record(
    chunkIndex: 3, family: .xorshift128Plus, level: .high,
    range: SeedRange(firstSeed: 0, lastSeed: UInt64.max),
    ranges: [SeedRange(firstSeed: 1, lastSeed: 2), SeedRange(firstSeed: 9_007_199_254_740_993, lastSeed: 1 << 63)],
    note: nil, weight: 0.1,
    survivorsBySeed: ["zetaSeed": 1, "alphaSeed": UInt64.max, "mid_seed": 0, "Upper": 7],
    flags: [true, false], small: -128, medium: UInt32.max, signed: Int64.min)

private struct Inner: Codable, Equatable { var firstSeed: UInt64; var label: String }
private struct Middle: Codable, Equatable { var inner: Inner; var items: [Inner] }
private struct Outer: Codable, Equatable { var middle: Middle }
private struct InnersByName: Codable, Equatable { var innerByName: [String: Inner] }

private struct Sample: Codable, Equatable { var ratioOfDraws: Double }
private struct Seed: Codable, Equatable { var seed: UInt64; var count: Int; var small: UInt8 }
private struct Empty: Codable, Equatable {}

@Suite struct JSONCodableTests {
    private let snake = JSONValueEncoder(keys: .snakeCase)
    private let snakeDecoder = JSONValueDecoder(keys: .snakeCase)

    @Test func roundTripsNestedRecords() throws {
        for keys in [JSONKeyStyle.asDeclared, .snakeCase] {
            let value = try JSONValueEncoder(keys: keys).encode(record)
            #expect(try JSONValueDecoder(keys: keys).decode(Record.self, from: value) == record)
            // Through text as well.
            let reread = try JSONReader.parse(value.text)
            #expect(try JSONValueDecoder(keys: keys).decode(Record.self, from: reread) == record)
        }
    }

    @Test func writesKeysInDeclarationOrderAndSnakeCase() throws {
        let value = try snake.encode(record)
        #expect(value.members?.map(\.key) == [
            "chunk_index", "family", "level", "range", "ranges", "weight", "survivors_by_seed", "flags",
            "small", "medium", "signed",
        ])
        #expect(value["range"]?.members?.map(\.key) == ["first_seed", "last_seed"])
        #expect(value["family"] == .string("xorshift128+"))
        #expect(value["level"] == .integer(9))
        #expect(try JSONValueEncoder().encode(record).members?.first?.key == "chunkIndex")
    }

    @Test func convertsNamesToSnakeCase() {
        #expect(JSONKeyStyle.snakeCase.jsonKey("skipMin") == "skip_min")
        #expect(JSONKeyStyle.snakeCase.jsonKey("firstSeed") == "first_seed")
        #expect(JSONKeyStyle.snakeCase.jsonKey("a") == "a")
        #expect(JSONKeyStyle.snakeCase.jsonKey("survivorsBySeed") == "survivors_by_seed")
        #expect(JSONKeyStyle.asDeclared.jsonKey("skipMin") == "skipMin")
    }

    @Test func omitsNilOptionals() throws {
        let value = try snake.encode(record)
        #expect(value["note"] == nil)
        #expect(!value.text.contains("note"))
        #expect(!value.text.contains("null"))
        var withNote = record
        withNote.note = "n"
        withNote.weight = nil
        let written = try snake.encode(withNote)
        #expect(written["note"] == .string("n"))
        #expect(written["weight"] == nil)
        #expect(try snakeDecoder.decode(Record.self, from: written) == withNote)
    }

    @Test func decodesAnExplicitNullAsNil() throws {
        var value = try snake.encode(record)
        guard case .object(var members) = value else { Issue.record("not an object"); return }
        members.append(("note", .null))
        value = .object(members)
        #expect(try snakeDecoder.decode(Record.self, from: value).note == nil)
    }

    @Test func sortsDictionaryKeysAndNeverRestylesThem() throws {
        let value = try snake.encode(record)
        #expect(value["survivors_by_seed"]?.text == #"{"Upper":7,"alphaSeed":18446744073709551615,"mid_seed":0,"zetaSeed":1}"#)
        // Decoding reads the keys as written.
        #expect(try snakeDecoder.decode(Record.self, from: value).survivorsBySeed == record.survivorsBySeed)
    }

    @Test func sortsAndKeepsTheKeysOfATopLevelDictionary() throws {
        let dictionary: [String: UInt64] = ["zetaSeed": 1, "alphaSeed": UInt64.max, "Upper": 7]
        let value = try snake.encode(dictionary)
        #expect(value.text == #"{"Upper":7,"alphaSeed":18446744073709551615,"zetaSeed":1}"#)
        #expect(try snakeDecoder.decode([String: UInt64].self, from: value) == dictionary)
    }

    @Test func encodesTopLevelRecordsAndScalars() throws {
        #expect(try snake.encode(SeedRange(firstSeed: 1, lastSeed: 2)).text == #"{"first_seed":1,"last_seed":2}"#)
        #expect(try snake.encode([SeedRange(firstSeed: 1, lastSeed: 2)]).text == #"[{"first_seed":1,"last_seed":2}]"#)
        #expect(try snake.encode(UInt64.max) == .unsigned(UInt64.max))
        #expect(try snake.encode(Int.min) == .integer(Int.min))
        #expect(try snake.encode(Family.mt19937) == .string("mt19937"))
        #expect(try snake.encode(Empty()) == .object([]))
        #expect(try snake.encode(Optional<Int>.none) == .null)
        #expect(try snakeDecoder.decode(Empty.self, from: .object([])) == Empty())
    }

    @Test func keepsUInt64MaxExact() throws {
        let value = try snake.encode(Seed(seed: UInt64.max, count: Int.max, small: 255))
        #expect(value.text == #"{"seed":18446744073709551615,"count":9223372036854775807,"small":255}"#)
        #expect(value["seed"] == .unsigned(UInt64.max))
        #expect(try snakeDecoder.decode(Seed.self, from: JSONReader.parse(value.text)).seed == UInt64.max)
        #expect(try snake.encode(Seed(seed: 1 << 63, count: 0, small: 0))["seed"] == .unsigned(1 << 63))
        #expect(try snake.encode(Seed(seed: (1 << 63) - 1, count: 0, small: 0))["seed"] == .integer(Int.max))
    }

    @Test func decodesEnumsByRawValue() throws {
        #expect(try snakeDecoder.decode(Family.self, from: .string("xorshift128+")) == .xorshift128Plus)
        #expect(try snakeDecoder.decode(Level.self, from: .integer(1)) == .low)
        let error = inputError { _ = try snakeDecoder.decode(Family.self, from: .string("pcg"), source: "run.json") }
        #expect(error?.kind == .unreadableFile)
        #expect(error?.source == "run.json")
    }

    @Test func namesTheMissingKeyPath() throws {
        let value = try JSONReader.parse(#"{"middle": {"inner": {"first_seed": 1, "label": "a"}, "items": [{"first_seed": 2}]}}"#)
        let error = inputError {
            _ = try snakeDecoder.decode(Outer.self, from: value, source: "sweep.json", kind: .needsMigration)
        }
        #expect(error?.kind == .needsMigration)
        #expect(error?.source == "sweep.json")
        #expect(error?.problem == "the field 'middle.items[0].label' is missing", "\(String(describing: error))")

        let missingTop = inputError { _ = try snakeDecoder.decode(Outer.self, from: .object([])) }
        #expect(missingTop?.problem == "the field 'middle' is missing", "\(String(describing: missingTop))")
    }

    @Test func namesKeysAsTheFileWritesThem() throws {
        // Under .snakeCase the path names the JSON keys (first_seed), not the Swift names, and a
        // dictionary's keys as they are.
        let missing = try JSONReader.parse(#"{"middle": {"inner": {"label": "a"}, "items": []}}"#)
        let error = inputError { _ = try snakeDecoder.decode(Outer.self, from: missing) }
        #expect(error?.problem == "the field 'middle.inner.first_seed' is missing", "\(String(describing: error))")

        let byKey = try JSONReader.parse(#"{"innerByName": {"someName": {"label": "a"}}}"#)
        let keyed = inputError { _ = try snakeDecoder.decode(InnersByName.self, from: byKey) }
        #expect(keyed?.problem == "the field 'inner_by_name' is missing", "\(String(describing: keyed))")
        let byKeySnake = try JSONReader.parse(#"{"inner_by_name": {"someName": {"label": "a"}}}"#)
        let nested = inputError { _ = try snakeDecoder.decode(InnersByName.self, from: byKeySnake) }
        #expect(nested?.problem == "the field 'inner_by_name.someName.first_seed' is missing", "\(String(describing: nested))")

        // As declared, the names are the Swift names.
        let declared = inputError { _ = try JSONValueDecoder().decode(Outer.self, from: missing) }
        #expect(declared?.problem == "the field 'middle.inner.firstSeed' is missing", "\(String(describing: declared))")
    }

    @Test func namesTheKeyPathOfAValueOfTheWrongType() throws {
        let value = try JSONReader.parse(#"{"middle": {"inner": {"first_seed": "x", "label": "a"}, "items": []}}"#)
        let error = inputError { _ = try snakeDecoder.decode(Outer.self, from: value) }
        #expect(error?.problem.hasPrefix("the field 'middle.inner.first_seed' is malformed: ") == true, "\(String(describing: error))")

        let wrongType = inputError { _ = try snakeDecoder.decode(Seed.self, from: .object([("seed", .bool(true)), ("count", .integer(1)), ("small", .integer(1))])) }
        #expect(wrongType?.problem == "the field 'seed' is malformed: expected an integer, found a boolean", "\(String(describing: wrongType))")

        let element = try JSONReader.parse(#"{"middle": {"inner": {"first_seed": 1, "label": "a"}, "items": [{"first_seed": 1, "label": 5}]}}"#)
        let inArray = inputError { _ = try snakeDecoder.decode(Outer.self, from: element) }
        #expect(inArray?.problem.hasPrefix("the field 'middle.items[0].label' is malformed: ") == true, "\(String(describing: inArray))")
    }

    @Test func refusesIntegersOutOfTheTypesRange() {
        for (field, value) in [("small", JSONValue.integer(256)), ("small", .integer(-1)), ("seed", .integer(-1)), ("count", .unsigned(UInt64.max)), ("seed", .double(1.5))] {
            var members: [(key: String, value: JSONValue)] = [("seed", .integer(1)), ("count", .integer(1)), ("small", .integer(1))]
            members.removeAll { $0.key == field }
            members.append((field, value))
            let error = inputError { _ = try snakeDecoder.decode(Seed.self, from: .object(members)) }
            #expect(error != nil, "\(field): \(value) was accepted")
            #expect(error?.problem.contains("'\(field)'") == true, "\(String(describing: error))")
        }
    }

    @Test func refusesNonFiniteDoubles() {
        for value in [Double.infinity, -.infinity, .nan] {
            let error = inputError { _ = try snake.encode(Sample(ratioOfDraws: value)) }
            #expect(error != nil, "\(value) was encoded")
            #expect(error?.problem.contains("ratioOfDraws") == true, "the key path is named: \(String(describing: error))")
            #expect(inputError { _ = try snake.encode(value) } != nil)
            #expect(inputError { _ = try snake.encode([value]) } != nil)
            #expect(inputError { _ = try snake.encode(["k": value]) } != nil)
            #expect(inputError { _ = try snake.encode(Float(value)) } != nil)
        }
        #expect(inputError { _ = try snake.encode(Sample(ratioOfDraws: .greatestFiniteMagnitude)) } == nil)
    }

    @Test func decodesLegacyDecimalStringIntegers() throws {
        let legacy = try JSONReader.parse(#"{"seed": "18446744073709551615", "count": "-42", "small": "7"}"#)
        #expect(try snakeDecoder.decode(Seed.self, from: legacy) == Seed(seed: UInt64.max, count: -42, small: 7))
        // Still exact, still range-checked, still only integers.
        for bad in ["18446744073709551616", "1.5", "", "0x10", " 1", "abc"] {
            let value = JSONValue.object([("seed", .string(bad)), ("count", .integer(1)), ("small", .integer(1))])
            #expect(inputError { _ = try snakeDecoder.decode(Seed.self, from: value) } != nil, "\"\(bad)\" was accepted")
        }
        #expect(inputError { _ = try snakeDecoder.decode(Seed.self, from: .object([("seed", .integer(1)), ("count", .integer(1)), ("small", .string("256"))])) } != nil)
    }

    @Test func decodesIntegersAsDoubles() throws {
        #expect(try snakeDecoder.decode(Sample.self, from: .object([("ratio_of_draws", .integer(3))])) == Sample(ratioOfDraws: 3))
        #expect(try snakeDecoder.decode(Sample.self, from: .object([("ratio_of_draws", .unsigned(UInt64.max))])) == Sample(ratioOfDraws: 0x1p64))
    }

    @Test func bridgesJSONValueItself() throws {
        struct Holder: Codable, Equatable { var payload: JSONValue; var tag: Int }
        let holder = Holder(payload: .object([("b", .integer(1)), ("a", .array([.null]))]), tag: 2)
        let value = try snake.encode(holder)
        #expect(value.text == #"{"payload":{"b":1,"a":[null]},"tag":2}"#)
        #expect(try snakeDecoder.decode(Holder.self, from: value) == holder)
    }
}
