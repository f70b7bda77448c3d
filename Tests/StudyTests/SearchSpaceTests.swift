import Foundation
import Testing
@testable import Study

@Suite("Search space files")
struct SearchSpaceTests {
    func space(_ text: String) throws(InputError) -> SearchSpace {
        try SearchSpace(json: try! JSONReader.parse(Data(text.utf8)), source: "space.json")
    }

    @Test("reads every type, with log and step, and writes back what it read")
    func readsAndWrites() throws {
        let parsed = try space("""
            {"params": [{"name": "x", "type": "float", "low": -5, "high": 10},
                        {"name": "rate", "type": "float", "low": 1e-4, "high": 0.1, "log": true},
                        {"name": "q", "type": "float", "low": 0, "high": 1, "step": 0.25},
                        {"name": "n", "type": "int", "low": 1, "high": 64, "log": true},
                        {"name": "k", "type": "int", "low": 0, "high": 12, "step": 3},
                        {"name": "kind", "type": "categorical", "choices": ["a", 2, true, null]}]}
            """)
        #expect(parsed.parameters.map(\.name) == ["x", "rate", "q", "n", "k", "kind"])
        #expect(parsed.parameters[1].domain == .float(low: 1e-4, high: 0.1, log: true, step: nil))
        #expect(parsed.parameters[3].domain == .integer(low: 1, high: 64, log: true, step: 1))
        #expect(parsed.parameters[4].domain == .integer(low: 0, high: 12, log: false, step: 3))
        #expect(parsed.parameters[5].domain == .categorical([.string("a"), .integer(2), .bool(true), .null]))
        #expect(try SearchSpace(json: parsed.json, source: "again") == parsed)
    }

    @Test("an invalid space names the file, the parameter and the field",
          arguments: [
            (#"{"params": [{"name": "x", "type": "float", "low": 2, "high": 1}]}"#, #"params[0] ("x")"#),
            (#"{"params": [{"name": "x", "type": "float", "low": 0, "high": 1, "log": true}]}"#, #"params[0] ("x")"#),
            (#"{"params": [{"name": "x", "type": "float", "low": 1, "high": 2, "log": true, "step": 0.5}]}"#, #"params[0] ("x")"#),
            (#"{"params": [{"name": "x", "type": "float", "low": 0, "high": 1}, {"name": "y", "type": "int", "low": 0}]}"#, #"params[1] ("y").high"#),
            (#"{"params": [{"name": "n", "type": "int", "low": 0, "high": 10, "step": 3}]}"#, #"params[0] ("n")"#),
            (#"{"params": [{"name": "n", "type": "int", "low": 1, "high": 9, "step": 2, "log": true}]}"#, #"params[0] ("n")"#),
            (#"{"params": [{"name": "n", "type": "int", "low": 0.5, "high": 9}]}"#, #"params[0] ("n").low"#),
            (#"{"params": [{"name": "c", "type": "categorical", "choices": []}]}"#, #"params[0] ("c")"#),
            (#"{"params": [{"name": "c", "type": "categorical", "choices": ["a", "a"]}]}"#, #"params[0] ("c")"#),
            (#"{"params": [{"name": "c", "type": "categorical", "choices": [[1]]}]}"#, #"params[0] ("c")"#),
            (#"{"params": [{"name": "c", "type": "categorical", "low": 0, "choices": [1]}]}"#, #"params[0] ("c").low"#),
            (#"{"params": [{"name": "z", "type": "complex"}]}"#, #"params[0] ("z").type"#),
            (#"{"params": [{"name": "z", "type": "float", "low": 0, "high": 1, "scale": 2}]}"#, #"params[0] ("z").scale"#),
            (#"{"params": [{"name": "x", "type": "float", "low": 0, "high": 1}, {"name": "x", "type": "float", "low": 0, "high": 1}]}"#, #"params[1] ("x")"#),
            (#"{"params": [{"type": "float", "low": 0, "high": 1}]}"#, "params[0]"),
            (#"{"parameters": []}"#, "params"),
          ])
    func invalid(_ text: String, _ field: String) {
        #expect {
            try space(text)
        } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.kind == .invalidSpace && error.source.hasPrefix("space.json: \(field)") && !error.fix.isEmpty
        }
    }

    @Test("values read back from JSON only when they belong to the parameter")
    func valuesFromJSON() throws {
        let parsed = try space("""
            {"params": [{"name": "n", "type": "int", "low": 1, "high": 5},
                        {"name": "c", "type": "categorical", "choices": ["a", 2]}]}
            """)
        let n = parsed.parameters[0], c = parsed.parameters[1]
        #expect(n.value(from: .integer(3)) == .integer(3))
        #expect(n.value(from: .integer(6)) == nil)
        #expect(n.value(from: .double(2.5)) == nil)
        #expect(c.value(from: .double(2)) == .categorical(.integer(2)))
        #expect(c.value(from: .string("b")) == nil)
    }

    @Test("JSON text round-trips doubles exactly and escapes strings")
    func jsonText() throws {
        let values: [Double] = [0.1, 1e-300, -2.5e17, 1 / 3, 4.140917868522626]
        let value = JSONValue.object([("d", .array(values.map { .double($0) })), ("s", .string("a\"b\\c\n\u{1}"))])
        let reread = try JSONReader.parse(Data(value.text.utf8))
        guard case .array(let doubles)? = reread["d"] else { Issue.record("no array"); return }
        #expect(doubles.map { $0.number! } == values)
        #expect(reread["s"] == .string("a\"b\\c\n\u{1}"))
    }
}
