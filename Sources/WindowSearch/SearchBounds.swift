import Foundation
import Sieve
import Study

/// What the window search varies, and within which bounds: the bounds file's content with every
/// entry filled in (defaults for those it leaves out).
///
/// A bounds file is a JSON object with any of these entries:
///
/// ```json
/// {
///   "window_size":       {"low": 2, "high": 50},
///   "offset":            {"low": 50, "high": 150},
///   "burn":              0,
///   "skip_min":          {"low": 0, "high": 10},
///   "skip_max":          {"low": 10, "high": 250},
///   "forward_threshold": {"low": 0.15, "high": 0.60, "step": 0.01},
///   "reverse_threshold": {"low": 0.15, "high": 0.60, "step": 0.01},
///   "sessions":          {"choices": ["all", "midday", "evening"]},
///   "prng":              {"choices": ["java_lcg", "xorshift32"]}
/// }
/// ```
///
/// A number (or a string, for sessions and prng) fixes an entry; `{"low", "high", "step"}` gives a
/// range; `{"choices": [...]}` a list. A session choice is `"all"` (no filter) or a list of session
/// names (`["midday", "evening"]` keeps both and drops entries without a session; `["all"]` keeps
/// a session named `all`); a string other than `"all"` is one session, or sessions joined by `+`,
/// as runs of version 0.1.0 wrote them (``SessionChoice``).
public struct SearchBounds: Sendable, Hashable {
    /// Integers `low ... high` on the grid `low + k·step`; fixed when `low == high`.
    public struct IntegerRange: Sendable, Hashable {
        public var low: Int
        public var high: Int
        public var step: Int

        public init(_ low: Int, _ high: Int, step: Int = 1) {
            self.low = low
            self.high = high
            self.step = step
        }

        public var isFixed: Bool { low == high }
    }

    /// Fractions `low ... high` on the grid `low + k·step`, read as decimals with `decimals` digits.
    public struct FractionRange: Sendable, Hashable {
        public var low: Double
        public var high: Double
        public var step: Double

        public init(_ low: Double, _ high: Double, step: Double = 0.01) {
            self.low = low
            self.high = high
            self.step = step
        }

        /// Decimal digits of the grid: those of the step and of low.
        public var decimals: Int { max(Self.decimals(of: step), Self.decimals(of: low)) }

        /// The decimal a sampled value stands for, such as `0.25`.
        public func decimal(_ value: Double) -> String {
            String(format: "%.\(decimals)f", value)
        }

        static func decimals(of value: Double) -> Int {
            for digits in 0...9 {
                let scaled = value * Foundation.pow(10, Double(digits))
                if abs(scaled - scaled.rounded()) <= 1e-9 * max(1, abs(scaled)) { return digits }
            }
            return 9
        }
    }

    /// The entries, in the order the study's space lists them.
    public enum Entry: String, Sendable, CaseIterable {
        case windowSize = "window_size"
        case offset
        case burn
        case skipMin = "skip_min"
        case skipMax = "skip_max"
        case forwardThreshold = "forward_threshold"
        case reverseThreshold = "reverse_threshold"
        case sessions
        case prng
    }

    public var windowSize: IntegerRange
    public var offset: IntegerRange
    public var burn: IntegerRange
    public var skipMin: IntegerRange
    public var skipMax: IntegerRange
    public var forwardThreshold: FractionRange
    public var reverseThreshold: FractionRange
    /// Session choices: every entry, or a list of sessions.
    public var sessions: [SessionChoice]
    /// Family choices, by name.
    public var prngs: [String]

    public init(windowSize: IntegerRange, offset: IntegerRange, burn: IntegerRange, skipMin: IntegerRange,
                skipMax: IntegerRange, forwardThreshold: FractionRange, reverseThreshold: FractionRange,
                sessions: [SessionChoice], prngs: [String]) {
        self.windowSize = windowSize
        self.offset = offset
        self.burn = burn
        self.skipMin = skipMin
        self.skipMax = skipMax
        self.forwardThreshold = forwardThreshold
        self.reverseThreshold = reverseThreshold
        self.sessions = sessions
        self.prngs = prngs
    }

    // MARK: - Defaults

    /// The reference's bounds (docs/reference-system.md §5.2), fitted to the history: windows of 2 to 50
    /// draws (at most half the shortest session choice, so that a reverse window fits before the
    /// forward one); offsets over 100 draws, starting where the largest reverse window fits (the
    /// reference's 0 ... 100 counted its pre-advance, not a place after a reverse window); burn-in
    /// 0; skip_min 0 ... 10 and skip_max 10 ... 250; thresholds 0.15 ... 0.60 in steps of 0.01;
    /// every session choice the history holds; the family given.
    public static func defaults(shape: HistoryShape, prng: String, referenceMode: Bool) -> SearchBounds {
        let sessions = shape.defaultSessionChoices
        let shortest = sessions.compactMap { shape.draws(forChoice: $0) }.min() ?? shape.total
        let windowHigh = max(1, min(50, referenceMode ? shortest : shortest / 2))
        let windowLow = min(2, windowHigh)
        let offsetLow = referenceMode ? 0 : windowHigh
        let offsetHigh = max(offsetLow, min(offsetLow + 100, shortest - windowHigh))
        return SearchBounds(
            windowSize: IntegerRange(windowLow, windowHigh), offset: IntegerRange(offsetLow, offsetHigh),
            burn: IntegerRange(0, 0), skipMin: IntegerRange(0, 10), skipMax: IntegerRange(10, 250),
            forwardThreshold: FractionRange(0.15, 0.60), reverseThreshold: FractionRange(0.15, 0.60),
            sessions: sessions, prngs: [prng])
    }

    // MARK: - The bounds file

    /// Reads a bounds file over `defaults`: entries it gives replace the defaults'.
    ///
    /// - Throws: ``InputError`` (`invalidSearchBounds`) naming the file and the entry.
    public static func read(_ json: JSONValue, source: String, over defaults: SearchBounds) throws(InputError) -> SearchBounds {
        guard case .object(let members) = json else {
            throw InputError(.invalidSearchBounds, source: source, problem: "is not a JSON object",
                             fix: #"write {"window_size": {"low": 2, "high": 50}, …}"#)
        }
        var bounds = defaults
        for (key, value) in members {
            guard let entry = Entry(rawValue: key) else {
                throw InputError(.invalidSearchBounds, source: "\(source): \(key)", problem: "unknown entry",
                                 fix: "use only " + Entry.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let place = "\(source): \(key)"
            switch entry {
            case .windowSize: bounds.windowSize = try integerRange(value, place)
            case .offset: bounds.offset = try integerRange(value, place)
            case .burn: bounds.burn = try integerRange(value, place)
            case .skipMin: bounds.skipMin = try integerRange(value, place)
            case .skipMax: bounds.skipMax = try integerRange(value, place)
            case .forwardThreshold: bounds.forwardThreshold = try fractionRange(value, place)
            case .reverseThreshold: bounds.reverseThreshold = try fractionRange(value, place)
            case .sessions: bounds.sessions = try sessionChoices(value, place)
            case .prng: bounds.prngs = try choices(value, place)
            }
        }
        return bounds
    }

    private static func fail(_ place: String, _ problem: String, _ fix: String) -> InputError {
        InputError(.invalidSearchBounds, source: place, problem: problem, fix: fix)
    }

    private static func integer(_ value: JSONValue?, _ place: String) throws(InputError) -> Int {
        switch value {
        case .integer(let number)?: return number
        case .double(let number)? where number == number.rounded() && abs(number) < 9e15: return Int(number)
        default: throw fail(place, "is not an integer", "write a whole number")
        }
    }

    private static func checkKeys(_ members: [(key: String, value: JSONValue)], _ allowed: Set<String>, _ place: String) throws(InputError) {
        if let unknown = members.first(where: { !allowed.contains($0.key) }) {
            throw fail("\(place).\(unknown.key)", "unknown field", "use only " + allowed.sorted().joined(separator: ", "))
        }
    }

    static func integerRange(_ value: JSONValue, _ place: String) throws(InputError) -> IntegerRange {
        guard case .object(let members) = value else {
            let fixed = try integer(value, place)
            return IntegerRange(fixed, fixed)
        }
        try checkKeys(members, ["low", "high", "step", "value"], place)
        if let fixed = value["value"] {
            guard members.count == 1 else { throw fail(place, "\"value\" fixes the entry; it takes no range", "give either value, or low and high") }
            let number = try integer(fixed, "\(place).value")
            return IntegerRange(number, number)
        }
        guard value["low"] != nil, value["high"] != nil else {
            throw fail(place, "needs low and high", #"write {"low": 2, "high": 50}, or a single number to fix it"#)
        }
        let step = value["step"] == nil ? 1 : try integer(value["step"], "\(place).step")
        return IntegerRange(try integer(value["low"], "\(place).low"), try integer(value["high"], "\(place).high"), step: step)
    }

    static func fractionRange(_ value: JSONValue, _ place: String) throws(InputError) -> FractionRange {
        func number(_ json: JSONValue?, _ field: String) throws(InputError) -> Double {
            guard let number = json?.number, number.isFinite else {
                throw fail(field, "is not a number", "write a fraction such as 0.25")
            }
            return number
        }
        guard case .object(let members) = value else {
            let fixed = try number(value, place)
            return FractionRange(fixed, fixed, step: 0.01)
        }
        try checkKeys(members, ["low", "high", "step", "value"], place)
        if let fixed = value["value"] {
            guard members.count == 1 else { throw fail(place, "\"value\" fixes the entry; it takes no range", "give either value, or low and high") }
            let fraction = try number(fixed, "\(place).value")
            return FractionRange(fraction, fraction, step: 0.01)
        }
        guard value["low"] != nil, value["high"] != nil else {
            throw fail(place, "needs low and high", #"write {"low": 0.15, "high": 0.6, "step": 0.01}, or a single number to fix it"#)
        }
        let step = value["step"] == nil ? 0.01 : try number(value["step"], "\(place).step")
        return FractionRange(try number(value["low"], "\(place).low"), try number(value["high"], "\(place).high"), step: step)
    }

    static func choices(_ value: JSONValue, _ place: String) throws(InputError) -> [String] {
        func strings(_ list: [JSONValue]) throws(InputError) -> [String] {
            var result: [String] = []
            for item in list {
                guard case .string(let text) = item, !text.isEmpty else {
                    throw fail(place, "holds \(item.text), not a name", #"list names as strings, such as ["all", "midday"]"#)
                }
                guard !result.contains(text) else { throw fail(place, "lists \"\(text)\" twice", "list each choice once") }
                result.append(text)
            }
            guard !result.isEmpty else { throw fail(place, "lists no choice", "list at least one") }
            return result
        }
        switch value {
        case .string(let text): return try strings([.string(text)])
        case .array(let list): return try strings(list)
        case .object(let members):
            try checkKeys(members, ["choices", "value"], place)
            if let fixed = value["value"] { return try strings([fixed]) }
            guard case .array(let list)? = value["choices"] else {
                throw fail(place, "needs choices", #"write {"choices": ["all", "midday"]}"#)
            }
            return try strings(list)
        default:
            throw fail(place, "is not a name or a list of names", #"write {"choices": ["all", "midday"]} or one name"#)
        }
    }

    /// Session choices: one choice (`"all"`, a joined string), a list of choices, `{"choices": [...]}`
    /// or `{"value": choice}`, where a choice is a string or a list of names.
    static func sessionChoices(_ value: JSONValue, _ place: String) throws(InputError) -> [SessionChoice] {
        func parse(_ list: [JSONValue]) throws(InputError) -> [SessionChoice] {
            var result: [SessionChoice] = []
            for item in list {
                guard let choice = SessionChoice(json: item) else {
                    throw fail(place, "holds \(item.text), not a session choice",
                               #"give "all" or a list of distinct session names, such as ["midday", "evening"]"#)
                }
                guard !result.contains(choice) else { throw fail(place, "lists \(choice) twice", "list each choice once") }
                result.append(choice)
            }
            guard !result.isEmpty else { throw fail(place, "lists no choice", "list at least one") }
            return result
        }
        switch value {
        case .string: return try parse([value])
        case .array(let list): return try parse(list)
        case .object(let members):
            try checkKeys(members, ["choices", "value"], place)
            if let fixed = value["value"] { return try parse([fixed]) }
            guard case .array(let list)? = value["choices"] else {
                throw fail(place, "needs choices", #"write {"choices": ["all", ["midday"]]}"#)
            }
            return try parse(list)
        default:
            throw fail(place, "is not a session choice or a list of them", #"write {"choices": ["all", ["midday"]]} or one choice"#)
        }
    }

    /// The bounds as a bounds file: every entry, ranges as `{"low", "high", "step"}`.
    public var json: JSONValue {
        func integers(_ range: IntegerRange) -> JSONValue {
            .object([("low", .integer(range.low)), ("high", .integer(range.high)), ("step", .integer(range.step))])
        }
        func fractions(_ range: FractionRange) -> JSONValue {
            .object([("low", .double(range.low)), ("high", .double(range.high)), ("step", .double(range.step))])
        }
        return .object([
            (Entry.windowSize.rawValue, integers(windowSize)), (Entry.offset.rawValue, integers(offset)),
            (Entry.burn.rawValue, integers(burn)), (Entry.skipMin.rawValue, integers(skipMin)),
            (Entry.skipMax.rawValue, integers(skipMax)), (Entry.forwardThreshold.rawValue, fractions(forwardThreshold)),
            (Entry.reverseThreshold.rawValue, fractions(reverseThreshold)),
            (Entry.sessions.rawValue, .object([("choices", .array(sessions.map(\.json)))])),
            (Entry.prng.rawValue, .object([("choices", .array(prngs.map { .string($0) }))])),
        ])
    }

    // MARK: - Checks

    /// Checks the bounds on their own and against the history: every range well formed, skip_min
    /// able to stay at or below skip_max, no trial testing more skips than one sieve pass takes,
    /// every session choice present, every family known, and some window that fits.
    ///
    /// Combinations that cannot run (skip_min above skip_max, a window that does not fit a
    /// session's draws) may remain inside valid bounds: the search records such trials as pruned,
    /// with the reason, and runs no sieve for them.
    ///
    /// - Throws: ``InputError`` (`invalidSearchBounds`, or `windowDoesNotFit` when no window fits).
    public func validate(shape: HistoryShape, referenceMode: Bool, source: String) throws(InputError) {
        func place(_ entry: Entry) -> String { "\(source): \(entry.rawValue)" }
        func check(_ range: IntegerRange, _ entry: Entry, minimum: Int) throws(InputError) {
            guard range.low >= minimum else {
                throw Self.fail(place(entry), "low \(range.low) is below \(minimum)", "give low ≥ \(minimum)")
            }
            guard range.low <= range.high else {
                throw Self.fail(place(entry), "low \(range.low) is above high \(range.high)", "give low ≤ high")
            }
            // high − low as unsigned: it fits 64 bits whenever low ≤ high.
            let span = UInt64(bitPattern: Int64(range.high &- range.low))
            guard range.step >= 1, span % UInt64(range.step) == 0 else {
                throw Self.fail(place(entry), "high − low is not a multiple of step \(range.step)",
                                "give a step ≥ 1 and a high on the grid low + k·step")
            }
        }
        try check(windowSize, .windowSize, minimum: 1)
        try check(offset, .offset, minimum: 0)
        try check(burn, .burn, minimum: 0)
        try check(skipMin, .skipMin, minimum: 0)
        try check(skipMax, .skipMax, minimum: 0)
        for (range, entry) in [(skipMin, Entry.skipMin), (skipMax, .skipMax)] where range.high > Int(UInt32.max) {
            throw Self.fail(place(entry), "high \(range.high) does not fit 32 bits", "give skips from 0 to \(UInt32.max)")
        }
        // A window or an offset beyond the whole history never fits: refused before any arithmetic.
        for (range, entry) in [(windowSize, Entry.windowSize), (offset, .offset)] where range.high > shape.total {
            throw Self.fail(place(entry), "high \(range.high) is beyond the history's \(shape.total) draws",
                            "give \(entry == .offset ? "offsets" : "windows") from \(entry == .offset ? 0 : 1) to \(shape.total)")
        }
        // The stream positions a trial reaches, burn-in included, must fit 64 bits.
        let reach = UInt64(offset.high + windowSize.high).multipliedReportingOverflow(by: UInt64(skipMax.high) + 1)
        guard !reach.overflow, UInt64(burn.high) <= UInt64.max - reach.partialValue else {
            throw Self.fail(place(.burn), "high \(burn.high) puts the windows' stream positions past 2^64",
                            "give a burn-in from 0 to \(reach.overflow ? 0 : UInt64.max - reach.partialValue)")
        }
        guard skipMin.low <= skipMax.high else {
            // Bounds that allow no trial are the bounds' fault (status 50), not a sieve's skip range.
            throw Self.fail(place(.skipMin), "skip_min's low \(skipMin.low) is above skip_max's high \(skipMax.high): no trial can run",
                            "give bounds where skip_min can be at most skip_max")
        }
        let widest = skipMax.high - skipMin.low + 1
        guard widest <= Int(SieveLimits.maxSkipsPerPass) else {
            throw Self.fail(
                "\(source): skip_min, skip_max",
                "a trial could test \(widest) skips (skip_min \(skipMin.low), skip_max \(skipMax.high)); one sieve takes at most \(SieveLimits.maxSkipsPerPass)",
                "narrow the bounds so that skip_max.high − skip_min.low < \(SieveLimits.maxSkipsPerPass)")
        }
        for (range, entry) in [(forwardThreshold, Entry.forwardThreshold), (reverseThreshold, .reverseThreshold)] {
            guard range.low > 0, range.low <= range.high, range.high <= 1 else {
                throw Self.fail(place(entry), "\(range.low) ... \(range.high) is not within (0, 1] with low ≤ high",
                                "give fractions above 0 and at most 1, such as 0.15 ... 0.6")
            }
            guard range.step > 0 else { throw Self.fail(place(entry), "step \(range.step) is not positive", "give a step such as 0.01") }
            let cells = (range.high - range.low) / range.step
            guard abs(cells - cells.rounded()) <= 1e-9 * max(1, cells) else {
                throw Self.fail(place(entry), "high − low is not a multiple of step \(range.step)", "give a high on the grid low + k·step")
            }
        }
        for choice in sessions {
            guard shape.draws(forChoice: choice) != nil else {
                let known = shape.sessionCounts.map(\.name)
                throw Self.fail(place(.sessions), "\(choice.json.text) names a session the history does not hold",
                                known.isEmpty ? "use \"all\": the history records no sessions"
                                    : "use \"all\" or a list of sessions among \(JSONValue.array(known.map { .string($0) }).text)")
            }
        }
        for name in prngs {
            guard PRNGFamily.lookup(name) != nil else {
                throw Self.fail(place(.prng), "\"\(name)\" is not a PRNG family", "see `optimize prngs` for the names")
            }
        }
        _ = try makeSpace(source: source)
        // Some window must fit: the smallest window, at some offset, in the longest session choice.
        // (Every number here is at most the history's length: checked above.)
        let longest = sessions.compactMap { shape.draws(forChoice: $0) }.max() ?? 0
        let k = windowSize.low
        let lowestOffset = max(offset.low, referenceMode ? 0 : k)
        guard lowestOffset <= offset.high, lowestOffset + k <= longest else {
            let widest = referenceMode ? longest : longest / 2
            throw Self.fail(
                "\(place(.windowSize)), \(place(.offset))",
                "no window of \(windowSize.low) ... \(windowSize.high) draws at offsets \(offset.low) ... \(offset.high) fits \(longest) draws"
                    + (referenceMode ? "" : " with its reverse window before it"),
                k > widest ? "give windows from 1 to \(widest) draws\(referenceMode ? "" : " (a reverse window of as many draws comes before)")"
                    : "give offsets from \(referenceMode ? 0 : k) to \(longest - k), or smaller windows")
        }
    }

    /// The study's search space: one parameter per entry, fixed entries as single values; a
    /// session choice is its ``SessionChoice/description``, one string per choice.
    public var space: SearchSpace {
        do {
            return try makeSpace(source: "search bounds")
        } catch {
            preconditionFailure("validated bounds always make a space: \(error)")
        }
    }

    /// The study's search space, or why the bounds make none.
    ///
    /// - Throws: ``InputError`` (`invalidSearchBounds`).
    func makeSpace(source: String) throws(InputError) -> SearchSpace {
        func integers(_ entry: Entry, _ range: IntegerRange) -> Parameter {
            Parameter(name: entry.rawValue, domain: .integer(low: range.low, high: range.high, log: false, step: range.step))
        }
        func fractions(_ entry: Entry, _ range: FractionRange) -> Parameter {
            Parameter(name: entry.rawValue, domain: .float(low: range.low, high: range.high, log: false, step: range.step))
        }
        let parameters = [
            integers(.windowSize, windowSize), integers(.offset, offset), integers(.burn, burn),
            integers(.skipMin, skipMin), integers(.skipMax, skipMax),
            fractions(.forwardThreshold, forwardThreshold), fractions(.reverseThreshold, reverseThreshold),
            Parameter(name: Entry.sessions.rawValue, domain: .categorical(sessions.map { .string($0.description) })),
            Parameter(name: Entry.prng.rawValue, domain: .categorical(prngs.map { .string($0) })),
        ]
        do {
            return try SearchSpace(parameters, source: source)
        } catch {
            throw Self.fail(error.source, error.problem, error.fix)
        }
    }
}

/// The sieve's limits a search must respect.
public enum SieveLimits {
    /// Skips one sieve pass tests at most (Shaders/KernelArgs.h).
    public static let maxSkipsPerPass: UInt32 = 256
}

/// How many draws a history holds in total and per session: what the bounds are checked against.
public struct HistoryShape: Sendable, Hashable {
    public let total: Int
    /// Draws per session, midday first, then evening, then the others by name.
    public let sessionCounts: [(name: String, count: Int)]

    public init(history: DrawHistory) {
        total = history.count
        var counts: [String: Int] = [:]
        for entry in history.entries {
            if let session = entry.session { counts[session, default: 0] += 1 }
        }
        sessionCounts = Self.ordered(counts)
    }

    /// The shape `run.json` records (draws per session, by name).
    public init(runFile history: RunFile.History) {
        total = history.draws
        sessionCounts = Self.ordered(history.sessions)
    }

    /// Sessions midday first, then evening, then the others by name.
    private static func ordered(_ counts: [String: Int]) -> [(name: String, count: Int)] {
        func rank(_ name: String) -> Int { name == "midday" ? 0 : name == "evening" ? 1 : 2 }
        return counts.sorted { (rank($0.key), $0.key) < (rank($1.key), $1.key) }.map { ($0.key, $0.value) }
    }

    public static func == (lhs: HistoryShape, rhs: HistoryShape) -> Bool {
        lhs.total == rhs.total && lhs.sessionCounts.map(\.name) == rhs.sessionCounts.map(\.name)
            && lhs.sessionCounts.map(\.count) == rhs.sessionCounts.map(\.count)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(total)
        for (name, count) in sessionCounts {
            hasher.combine(name)
            hasher.combine(count)
        }
    }

    /// Every entry, plus each session, when the history records more than one; else every entry alone.
    public var defaultSessionChoices: [SessionChoice] {
        sessionCounts.count >= 2 ? [.all] + sessionCounts.map { .sessions([$0.name]) } : [.all]
    }

    /// The draws a session choice keeps, or `nil` when it names a session the history lacks.
    public func draws(forChoice choice: SessionChoice) -> Int? {
        guard let names = choice.names else { return total }
        var sum = 0
        for name in names {
            guard let count = sessionCounts.first(where: { $0.name == name })?.count else { return nil }
            sum += count
        }
        return sum
    }
}
