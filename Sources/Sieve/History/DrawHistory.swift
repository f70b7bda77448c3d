import Foundation

/// A draw history: the observed draws, oldest first, as loaded from a file (docs/semantics.md §1).
///
/// Loading reads the reference's JSON format, CSV with a header row, or plain text; puts the draws in
/// chronological order (by date and session when the file has dates); keeps only the chosen
/// sessions; and checks every entry, so that any problem is an ``InputError`` naming the file, the
/// entry and the fix.
///
/// ```swift
/// let history = try DrawHistory.load(path: "daily3.json", sessions: ["midday"])
/// let residues = try history.residues(modulus: 1000)
/// ```
public struct DrawHistory: Sendable, Equatable {
    /// One published draw.
    public struct Entry: Sendable, Equatable {
        /// `full_state` when the entry has one, else `draw`.
        public let value: UInt64
        /// Whether ``value`` came from `full_state` (which need not be below the modulus).
        public let isFullState: Bool
        public let session: String?
        /// `YYYY-MM-DD`, when the file gives dates.
        public let date: String?
        /// Where the entry stands in the file, 0-based, for messages.
        public let fileIndex: Int

        public init(value: UInt64, isFullState: Bool = false, session: String? = nil, date: String? = nil, fileIndex: Int) {
            self.value = value
            self.isFullState = isFullState
            self.session = session
            self.date = date
            self.fileIndex = fileIndex
        }
    }

    /// How the loader ordered the entries; every output records it.
    public enum Order: String, Sendable, Codable {
        /// The file's order, taken as oldest first (the file has no dates).
        case fileOrder = "file order, oldest first"
        /// The file's order reversed: the file lists the newest draw first (it has no dates).
        case reversedFileOrder = "file order reversed, the file being newest first"
        /// Sorted by date, then session (midday before evening), stably.
        case dateThenSession = "sorted by date, then session (midday before evening)"
    }

    /// The file formats the loader reads.
    public enum Format: String, Sendable, CaseIterable {
        case json, csv, text
    }

    /// The file the history came from, as the user named it.
    public let source: String
    public let format: Format
    /// The entries kept, oldest first.
    public let entries: [Entry]
    public let order: Order
    /// The sessions kept, or `nil` when every entry was kept.
    public let sessions: [String]?
    /// How many entries the session filter dropped (entries without a session included).
    public let droppedBySessionFilter: Int
    /// SHA-256 of the file's bytes, as `sha256sum` prints it.
    public let checksum: String

    /// The number of draws kept.
    public var count: Int { entries.count }

    /// Loads a history file.
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - format: the format; `nil` picks it from the extension (`.json`, `.csv`, else text) or, for
    ///     other names, from the first character (`[` is JSON).
    ///   - sessions: keep only entries of these sessions; `nil` keeps every entry.
    ///   - newestFirst: the file lists the newest draw first (only for files without dates).
    /// - Throws: ``InputError`` naming the file, the entry and the fix.
    public static func load(
        path: String, format: Format? = nil, sessions: [String]? = nil, newestFirst: Bool = false
    ) throws(InputError) -> DrawHistory {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InputError(
                .unreadableFile, source: path, problem: "cannot read the draw history (\(error.localizedDescription))",
                fix: "check the path and the file's permissions")
        }
        let bytes = [UInt8](data)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw InputError(.malformedHistory, source: path, problem: "the file is not UTF-8 text",
                             fix: "save the history as UTF-8 JSON, CSV or plain text")
        }
        let format = format ?? detectFormat(path: path, text: text)
        let parsed: [Entry]
        switch format {
        case .json: parsed = try parseJSON(text, source: path)
        case .csv: parsed = try parseCSV(text, source: path)
        case .text: parsed = try parseText(text, source: path)
        }
        return try DrawHistory(
            source: path, format: format, parsed: parsed, sessions: sessions, newestFirst: newestFirst,
            checksum: SHA256.hexDigest(of: bytes))
    }

    /// A history built from entries already in memory (for tests and generated data).
    public init(
        source: String, format: Format = .json, parsed: [Entry], sessions: [String]? = nil,
        newestFirst: Bool = false, checksum: String = ""
    ) throws(InputError) {
        let dated = parsed.filter { $0.date != nil }.count
        var order: Order
        var ordered: [Entry]
        if dated == 0 {
            order = newestFirst ? .reversedFileOrder : .fileOrder
            ordered = newestFirst ? parsed.reversed() : parsed
        } else {
            if let undated = parsed.first(where: { $0.date == nil }) {
                throw InputError(
                    .malformedHistory, source: "\(source): entry \(undated.fileIndex)",
                    problem: "has no date while other entries have one",
                    fix: "give every entry a date (YYYY-MM-DD), or none")
            }
            if newestFirst {
                throw InputError(
                    .invalidOption, source: "--newest-first",
                    problem: "\(source) has dates, which already fix the order",
                    fix: "drop --newest-first: entries are sorted by date, then session")
            }
            order = .dateThenSession
            ordered = parsed.enumerated().sorted { left, right in
                let (a, b) = (left.element, right.element)
                if a.date != b.date { return a.date! < b.date! }
                let (rankA, rankB) = (Self.sessionRank(a.session), Self.sessionRank(b.session))
                if rankA != rankB { return rankA < rankB }
                return left.offset < right.offset
            }.map(\.element)
        }
        var dropped = 0
        if let sessions {
            let present = Set(parsed.compactMap(\.session))
            for session in sessions where !present.contains(session) {
                let known = present.sorted()
                throw InputError(
                    .unknownSession, source: "--sessions \(session)",
                    problem: "\(source) has no draw in session '\(session)'",
                    fix: known.isEmpty
                        ? "drop --sessions: the file records no sessions"
                        : "choose among: \(known.joined(separator: ", "))")
            }
            let kept = ordered.filter { entry in entry.session.map(sessions.contains) ?? false }
            dropped = ordered.count - kept.count
            ordered = kept
        }
        guard !ordered.isEmpty else {
            throw InputError(
                .emptyHistory, source: source,
                problem: sessions == nil ? "the history holds no draws" : "no draws remain after keeping sessions \(sessions!.joined(separator: ", "))",
                fix: sessions == nil ? "give a file with at least one draw" : "keep other sessions, or drop --sessions")
        }
        self.source = source
        self.format = format
        self.entries = ordered
        self.order = order
        self.sessions = sessions
        self.droppedBySessionFilter = dropped
        self.checksum = checksum
    }

    /// The residues `value mod M`, oldest first.
    ///
    /// - Throws: ``InputError`` (``InputError/Kind/drawOutOfRange``) for a `draw` (not a
    ///   `full_state`) that is not below M.
    public func residues(modulus: UInt64) throws(InputError) -> [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(entries.count)
        for entry in entries {
            if !entry.isFullState && entry.value >= modulus {
                throw InputError(
                    .drawOutOfRange, source: "\(source): entry \(entry.fileIndex), draw",
                    problem: "draw \(entry.value) is not below the modulus \(modulus)",
                    fix: "give --modulus above every draw (draws are residues mod M), or fix the entry")
            }
            result.append(UInt32(entry.value % modulus))
        }
        return result
    }

    /// midday, then evening, then entries with other or no sessions.
    static func sessionRank(_ session: String?) -> Int {
        switch session {
        case "midday": 0
        case "evening": 1
        default: 2
        }
    }

    static func detectFormat(path: String, text: String) -> Format {
        let lower = path.lowercased()
        if lower.hasSuffix(".json") { return .json }
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".txt") { return .text }
        return text.first(where: { !$0.isWhitespace }) == "[" ? .json : .text
    }
}

// MARK: - Parsing

extension DrawHistory {
    enum ParsedInteger {
        case success(UInt64)
        case failure(String)
    }

    /// A non-negative integer as the history formats allow it: digits, optionally followed by a
    /// fraction of zeros (`843.0`). Returns the value, or why it is not one.
    static func integer(_ literal: String) -> ParsedInteger {
        var text = Substring(literal.trimmingCharacters(in: .whitespaces))
        if text.hasPrefix("-") {
            let magnitude = text.dropFirst()
            return .failure(magnitude.allSatisfy { $0 == "0" || $0 == "." } ? "is not a valid number" : "is negative (\(literal))")
        }
        if text.hasPrefix("+") { text = text.dropFirst() }
        if let dot = text.firstIndex(of: ".") {
            let fraction = text[text.index(after: dot)...]
            guard !fraction.isEmpty, fraction.allSatisfy({ $0 == "0" }) else { return .failure("is not an integer (\(literal))") }
            text = text[..<dot]
        }
        guard !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) else {
            return .failure(text.contains(where: { $0 == "e" || $0 == "E" }) ? "is not an integer in plain digits (\(literal))" : "is not a number ('\(literal)')")
        }
        guard let value = UInt64(text) else { return .failure("does not fit 64 bits (\(literal))") }
        return .success(value)
    }

    /// A non-negative integer as a JSON history allows it: an integer, or a number with no
    /// fraction (`843.0`) below 2^53, where doubles are exact.
    static func integer(_ value: JSONValue) -> ParsedInteger {
        switch value {
        case .integer(let number): number >= 0 ? .success(UInt64(number)) : .failure("is negative (\(number))")
        case .unsigned(let number): .success(number)
        case .double(let number):
            if number < 0 { .failure("is negative (\(number))") }
            else if number.rounded(.towardZero) != number { .failure("is not an integer (\(number))") }
            else if number >= 0x1p53 { .failure("is not an exact integer (\(number)); write it in plain digits") }
            else { .success(UInt64(number)) }
        default: .failure("is \(value.typeName), not a non-negative integer; write it as a plain integer, without quotes")
        }
    }

    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month), (1...31).contains(day)
        else { return false }
        return true
    }

    static func parseJSON(_ text: String, source: String) throws(InputError) -> [Entry] {
        let document: JSONValue
        let lines: [Int]
        do {
            (document, lines) = try JSONReader.parseWithElementLines(Array(text.utf8))
        } catch {
            throw InputError(
                .malformedHistory, source: "\(source): \(error.description)", problem: "the file is not valid JSON",
                fix: "correct the JSON there (the reference format is [{\"draw\": 843, \"session\": \"midday\"}, …])")
        }
        guard case .array(let elements) = document else {
            throw InputError(
                .malformedHistory, source: source, problem: "the JSON document is \(document.typeName), not an array of draws",
                fix: "write the history as [{\"draw\": 843, \"session\": \"midday\"}, …]")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let place = "\(source): entry \(index) (line \(lines[index]))"
            guard case .object = element else {
                throw InputError(.malformedHistory, source: place, problem: "is \(element.typeName), not an object",
                                 fix: "write each draw as {\"draw\": 843, \"session\": \"midday\"}")
            }
            func integerField(_ name: String) throws(InputError) -> UInt64? {
                guard let field = element[name] else { return nil }
                if case .null = field { return nil }
                switch integer(field) {
                case .success(let value): return value
                case .failure(let problem):
                    throw InputError(.invalidDraw, source: "\(place), \(name)", problem: problem,
                                     fix: "write \(name) as a non-negative integer")
                }
            }
            func stringField(_ name: String) throws(InputError) -> String? {
                guard let field = element[name] else { return nil }
                switch field {
                case .null: return nil
                case .string(let value): return value
                default:
                    throw InputError(.malformedHistory, source: "\(place), \(name)", problem: "is \(field.typeName), not a string",
                                     fix: "write \(name) as a string in double quotes")
                }
            }
            let fullState = try integerField("full_state")
            let draw = try integerField("draw")
            guard let value = fullState ?? draw else {
                throw InputError(.missingDraw, source: place, problem: "has no draw",
                                 fix: "give every entry a \"draw\" (or a \"full_state\")")
            }
            let date = try stringField("date")
            if let date, !isDate(date) {
                throw InputError(.malformedHistory, source: "\(place), date", problem: "'\(date)' is not a date",
                                 fix: "write dates as YYYY-MM-DD")
            }
            entries.append(Entry(value: value, isFullState: fullState != nil, session: try stringField("session"),
                                 date: date, fileIndex: index))
        }
        return entries
    }

    static func parseCSV(_ text: String, source: String) throws(InputError) -> [Entry] {
        var rows: [(line: Int, fields: [String])] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            rows.append((number + 1, try csvFields(String(line), place: "\(source): line \(number + 1)")))
        }
        guard let header = rows.first else {
            throw InputError(.emptyHistory, source: source, problem: "the CSV file is empty",
                             fix: "give a header row (draw,date,session) and one row per draw")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let drawColumn = names.firstIndex(of: "draw") else {
            throw InputError(.missingDraw, source: "\(source): line \(header.line)", problem: "the header row has no 'draw' column",
                             fix: "start the file with a header row such as draw,date,session")
        }
        let dateColumn = names.firstIndex(of: "date")
        let sessionColumn = names.firstIndex(of: "session")
        var entries: [Entry] = []
        for (index, row) in rows.dropFirst().enumerated() {
            let place = "\(source): line \(row.line)"
            guard row.fields.count == names.count else {
                throw InputError(.malformedHistory, source: place, problem: "has \(row.fields.count) fields, the header \(names.count)",
                                 fix: "give every row one field per header column")
            }
            let drawText = row.fields[drawColumn].trimmingCharacters(in: .whitespaces)
            guard !drawText.isEmpty else {
                throw InputError(.missingDraw, source: "\(place), draw", problem: "is empty", fix: "give every row a draw")
            }
            let value: UInt64
            switch integer(drawText) {
            case .success(let parsed): value = parsed
            case .failure(let problem):
                throw InputError(.invalidDraw, source: "\(place), draw", problem: problem, fix: "write the draw as a non-negative integer")
            }
            var date = dateColumn.map { row.fields[$0].trimmingCharacters(in: .whitespaces) }
            if date?.isEmpty == true { date = nil }
            if let date, !isDate(date) {
                throw InputError(.malformedHistory, source: "\(place), date", problem: "'\(date)' is not a date", fix: "write dates as YYYY-MM-DD")
            }
            var session = sessionColumn.map { row.fields[$0].trimmingCharacters(in: .whitespaces) }
            if session?.isEmpty == true { session = nil }
            entries.append(Entry(value: value, session: session, date: date, fileIndex: index))
        }
        return entries
    }

    /// Splits one CSV line (RFC 4180 quoting, no line breaks inside fields).
    static func csvFields(_ line: String, place: String) throws(InputError) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = Array(line).makeIterator()
        var pending: Character? = iterator.next()
        while let character = pending {
            pending = iterator.next()
            if quoted {
                if character == "\"" {
                    if pending == "\"" {
                        current.append("\"")
                        pending = iterator.next()
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" && current.isEmpty {
                quoted = true
            } else if character == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        guard !quoted else {
            throw InputError(.malformedHistory, source: place, problem: "a quoted field is not closed", fix: "close the field with '\"'")
        }
        fields.append(current)
        return fields
    }

    static func parseText(_ text: String, source: String) throws(InputError) -> [Entry] {
        var entries: [Entry] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            switch integer(trimmed) {
            case .success(let value): entries.append(Entry(value: value, fileIndex: entries.count))
            case .failure(let problem):
                throw InputError(.invalidDraw, source: "\(source): line \(number + 1)", problem: "'\(trimmed)' \(problem)",
                                 fix: "write one non-negative integer per line (# starts a comment)")
            }
        }
        return entries
    }
}
