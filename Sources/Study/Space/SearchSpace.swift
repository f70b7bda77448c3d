import Foundation

/// Whether a study looks for the smallest or the largest value.
public enum Direction: String, Sendable, Hashable, CaseIterable {
    case minimize
    case maximize
}

/// One parameter of a search space: a name and the values it may take.
///
/// ```swift
/// let rate = Parameter(name: "rate", domain: .float(low: 1e-4, high: 1e-1, log: true, step: nil))
/// let size = Parameter(name: "size", domain: .integer(low: 1, high: 64, log: false, step: 1))
/// let kind = Parameter(name: "kind", domain: .categorical([.string("a"), .string("b")]))
/// ```
public struct Parameter: Sendable, Hashable {
    /// The values a parameter may take.
    public enum Domain: Sendable, Hashable {
        /// Real numbers in `low ... high`; log-scaled, or on the grid `low + k·step`.
        case float(low: Double, high: Double, log: Bool, step: Double?)
        /// Integers in `low ... high` on the grid `low + k·step`; log-scaled only with step 1.
        case integer(low: Int, high: Int, log: Bool, step: Int)
        /// One of a list of JSON scalars, with no order or distance between them.
        case categorical([JSONValue])
    }

    public let name: String
    public let domain: Domain

    public init(name: String, domain: Domain) {
        self.name = name
        self.domain = domain
    }

    /// Whether the parameter can take only one value (it is then never sampled).
    public var isSingleValued: Bool {
        switch domain {
        case .float(let low, let high, _, _): low == high
        case .integer(let low, let high, _, _): low == high
        case .categorical(let choices): choices.count == 1
        }
    }
}

/// A value of one parameter, as a trial uses it.
public enum ParameterValue: Sendable, Hashable, CustomStringConvertible {
    case float(Double)
    case integer(Int)
    /// One of a categorical parameter's choices, as written in the space.
    case categorical(JSONValue)

    /// The value as JSON: floats as numbers, integers as integers, categoricals as themselves.
    public var json: JSONValue {
        switch self {
        case .float(let value): .double(value)
        case .integer(let value): .integer(value)
        case .categorical(let value): value
        }
    }

    public var description: String { json.text }
}

/// The parameters a study searches over, in the order they were declared.
///
/// Read from a space file, `{"params": [{"name", "type", "low", "high", "log", "step", "choices"}]}`:
///
/// ```swift
/// let space = try SearchSpace(json: try JSONReader.parse(data), source: "space.json")
/// space.parameters.map(\.name)                   // ["x", "y"]
/// ```
public struct SearchSpace: Sendable, Hashable {
    public let parameters: [Parameter]

    /// A space from parameters; they are checked as a space file's are.
    ///
    /// - Throws: ``InputError`` (`invalidSpace`) naming the first bad parameter.
    public init(_ parameters: [Parameter], source: String = "search space") throws(InputError) {
        var seen = Set<String>()
        for (index, parameter) in parameters.enumerated() {
            let field = "\(source): params[\(index)] (\"\(parameter.name)\")"
            guard !parameter.name.isEmpty else {
                throw InputError(.invalidSpace, source: "\(source): params[\(index)]", problem: "the name is empty",
                                 fix: "give every parameter a non-empty \"name\"")
            }
            guard seen.insert(parameter.name).inserted else {
                throw InputError(.invalidSpace, source: field, problem: "the name is used twice",
                                 fix: "give every parameter its own name")
            }
            try Self.check(parameter.domain, field: field)
        }
        self.parameters = parameters
    }

    private static func check(_ domain: Parameter.Domain, field: String) throws(InputError) {
        func fail(_ problem: String, _ fix: String) -> InputError {
            InputError(.invalidSpace, source: field, problem: problem, fix: fix)
        }
        switch domain {
        case .float(let low, let high, let log, let step):
            guard low.isFinite, high.isFinite else { throw fail("low and high must be finite numbers", "give finite bounds") }
            guard low <= high else { throw fail("low \(low) is above high \(high)", "give low ≤ high") }
            if log {
                guard low > 0 else { throw fail("a log-scaled range must be positive, low is \(low)", "give low > 0 or drop \"log\"") }
                guard step == nil else { throw fail("\"log\" and \"step\" cannot be combined", "drop one of them") }
            }
            if let step {
                guard step.isFinite, step > 0 else { throw fail("step \(step) is not positive", "give a step > 0") }
                let cells = (high - low) / step
                guard abs(cells - cells.rounded()) <= 1e-9 * max(1, cells) else {
                    throw fail("high − low (\(high - low)) is not a multiple of step \(step)",
                               "give a high that lies on the grid low + k·step")
                }
            }
        case .integer(let low, let high, let log, let step):
            guard low <= high else { throw fail("low \(low) is above high \(high)", "give low ≤ high") }
            guard step > 0 else { throw fail("step \(step) is not positive", "give a step ≥ 1") }
            // high − low as unsigned: it fits 64 bits whenever low ≤ high (Int.min ... Int.max included).
            guard UInt64(bitPattern: Int64(high &- low)) % UInt64(step) == 0 else {
                throw fail("high − low is not a multiple of step \(step)", "give a high that lies on the grid low + k·step")
            }
            if log {
                guard low > 0 else { throw fail("a log-scaled range must be positive, low is \(low)", "give low ≥ 1 or drop \"log\"") }
                guard step == 1 else { throw fail("a log-scaled integer must have step 1", "drop \"step\" or \"log\"") }
            }
        case .categorical(let choices):
            guard !choices.isEmpty else { throw fail("\"choices\" is empty", "list at least one choice") }
            for choice in choices {
                switch choice {
                case .array, .object: throw fail("choice \(choice.text) is not a JSON scalar", "use strings, numbers, booleans or null")
                case .double(let value) where !value.isFinite: throw fail("a choice is not finite", "use finite numbers")
                default: break
                }
            }
            guard Set(choices.map(\.text)).count == choices.count else {
                throw fail("a choice is listed twice", "list each choice once")
            }
        }
    }

    /// The parameter named `name`.
    public func parameter(named name: String) -> Parameter? {
        parameters.first { $0.name == name }
    }
}

// MARK: - The space file

extension SearchSpace {
    /// Reads a space from the JSON of a space file.
    ///
    /// - Parameters:
    ///   - json: `{"params": [...]}`.
    ///   - source: the file name, used in error messages.
    /// - Throws: ``InputError`` (`invalidSpace`) naming the file, the parameter and the field.
    public init(json: JSONValue, source: String) throws(InputError) {
        guard case .array(let entries)? = json["params"] else {
            throw InputError(.invalidSpace, source: "\(source): params", problem: "missing, or not a list",
                             fix: #"write {"params": [{"name": "x", "type": "float", "low": 0, "high": 1}, …]}"#)
        }
        var parameters: [Parameter] = []
        for (index, entry) in entries.enumerated() {
            parameters.append(try Self.parameter(entry, index: index, source: source))
        }
        try self.init(parameters, source: source)
    }

    private static func parameter(_ entry: JSONValue, index: Int, source: String) throws(InputError) -> Parameter {
        guard case .object(let members) = entry else {
            throw InputError(.invalidSpace, source: "\(source): params[\(index)]", problem: "not an object",
                             fix: #"write each parameter as {"name": …, "type": …}"#)
        }
        guard case .string(let name)? = entry["name"] else {
            throw InputError(.invalidSpace, source: "\(source): params[\(index)]", problem: "\"name\" is missing or not a string",
                             fix: "give every parameter a \"name\"")
        }
        let field = "\(source): params[\(index)] (\"\(name)\")"
        func fail(_ key: String, _ problem: String, _ fix: String) -> InputError {
            InputError(.invalidSpace, source: "\(field).\(key)", problem: problem, fix: fix)
        }
        let known: Set<String> = ["name", "type", "low", "high", "log", "step", "choices"]
        if let unknown = members.first(where: { !known.contains($0.key) }) {
            throw fail(unknown.key, "unknown field", "use only name, type, low, high, log, step and choices")
        }
        guard case .string(let type)? = entry["type"] else {
            throw fail("type", "missing or not a string", #"give "type": "float", "int" or "categorical""#)
        }
        var log = false
        if let value = entry["log"] {
            guard case .bool(let flag) = value else { throw fail("log", "not a boolean", "write true or false") }
            log = flag
        }
        func number(_ key: String) throws(InputError) -> Double {
            guard let value = entry[key]?.number else { throw fail(key, "missing or not a number", "give \"\(key)\" as a number") }
            return value
        }
        func integer(_ key: String) throws(InputError) -> Int {
            switch entry[key] {
            case .integer(let value)?: return value
            case .double(let value)? where value == value.rounded() && abs(value) < 9e15: return Int(value)
            default: throw fail(key, "missing or not an integer", "give \"\(key)\" as an integer")
            }
        }
        switch type {
        case "float":
            if entry["choices"] != nil { throw fail("choices", "a float has no choices", "drop \"choices\" or use type categorical") }
            let step: Double? = entry["step"] == nil || entry["step"] == .null ? nil : try number("step")
            return Parameter(name: name, domain: .float(low: try number("low"), high: try number("high"), log: log, step: step))
        case "int":
            if entry["choices"] != nil { throw fail("choices", "an int has no choices", "drop \"choices\" or use type categorical") }
            let step = entry["step"] == nil || entry["step"] == .null ? 1 : try integer("step")
            return Parameter(name: name, domain: .integer(low: try integer("low"), high: try integer("high"), log: log, step: step))
        case "categorical":
            for key in ["low", "high", "step", "log"] where entry[key] != nil {
                throw fail(key, "a categorical has no \(key)", "list its values in \"choices\" only")
            }
            guard case .array(let choices)? = entry["choices"] else {
                throw fail("choices", "missing or not a list", #"give "choices": ["a", "b", …]"#)
            }
            return Parameter(name: name, domain: .categorical(choices))
        default:
            throw fail("type", "unknown type \"\(type)\"", "use float, int or categorical")
        }
    }

    /// The space as a space file's JSON.
    public var json: JSONValue {
        .object([("params", .array(parameters.map(\.json)))])
    }
}

extension Parameter {
    /// The parameter as an entry of a space file.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("name", .string(name))]
        switch domain {
        case .float(let low, let high, let log, let step):
            members += [("type", .string("float")), ("low", .double(low)), ("high", .double(high)), ("log", .bool(log))]
            if let step { members.append(("step", .double(step))) }
        case .integer(let low, let high, let log, let step):
            members += [("type", .string("int")), ("low", .integer(low)), ("high", .integer(high)), ("log", .bool(log)), ("step", .integer(step))]
        case .categorical(let choices):
            members += [("type", .string("categorical")), ("choices", .array(choices))]
        }
        return .object(members)
    }

    /// Reads this parameter's value from JSON (as written in a journal or by a user), or `nil`
    /// when the JSON is not one of its values.
    public func value(from json: JSONValue) -> ParameterValue? {
        switch domain {
        case .float(let low, let high, _, _):
            guard let number = json.number, number >= low, number <= high else { return nil }
            return .float(number)
        case .integer(let low, let high, _, _):
            let integer: Int
            switch json {
            case .integer(let value): integer = value
            case .double(let value) where value == value.rounded() && abs(value) < 9e15: integer = Int(value)
            default: return nil
            }
            guard integer >= low, integer <= high else { return nil }
            return .integer(integer)
        case .categorical(let choices):
            return choiceIndex(of: json).map { .categorical(choices[$0]) }
        }
    }

    /// The index of a categorical choice; numbers match whether written as integers or not.
    func choiceIndex(of json: JSONValue) -> Int? {
        guard case .categorical(let choices) = domain else { return nil }
        if let exact = choices.firstIndex(of: json) { return exact }
        guard let number = json.number else { return nil }
        return choices.firstIndex { $0.number == number }
    }
}
