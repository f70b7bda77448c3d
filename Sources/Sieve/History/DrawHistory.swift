import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        // The file's bytes live only while it is parsed: the entries are what is kept.
        let (format, parsed, checksum) = try readFile(path: path, format: format)
        return try DrawHistory(
            source: path, format: format, parsed: parsed, sessions: sessions, newestFirst: newestFirst,
            checksum: checksum)
    }

    static func readFile(path: String, format: Format?) throws(InputError) -> (Format, [Entry], String) {
        let bytes = try readBytes(path: path)
        let checksum = SHA256.hexDigest(of: bytes)
        try checkEncoding(bytes, source: path)
        let body = bytes.starts(with: utf8BOM) ? 3 : 0
        let format = format ?? detectFormat(path: path, bytes: bytes, from: body)
        let parsed: [Entry]
        switch format {
        case .json: parsed = try parseJSON(bytes, source: path)
        case .csv: parsed = try parseCSV(bytes, from: body, source: path)
        case .text: parsed = try parseText(bytes, from: body, source: path)
        }
        return (format, parsed, checksum)
    }

    static let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The file's bytes, read to its end (so that a pipe such as `<(…)` or `/dev/stdin` reads too).
    static func readBytes(path: String) throws(InputError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw InputError(
                .unreadableFile, source: path, problem: "cannot read the draw history (\(reason))",
                fix: "check the path and the file's permissions")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw InputError(.unreadableFile, source: path, problem: "cannot read the draw history (\(String(cString: strerror(errno))))",
                             fix: "check the path and the file's permissions")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw InputError(.unreadableFile, source: path, problem: "is a directory, not a draw history",
                             fix: "give the history file itself")
        }
        var bytes: [UInt8] = []
        // A regular file's size is only a hint: it is read to its end, whatever its size says.
        let hint = (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : 0
        var capacity = max(hint + 1, 1 << 16)
        var filled = 0
        while true {
            if filled == bytes.count {
                if bytes.count == capacity { capacity *= 2 }
                bytes.reserveCapacity(capacity)
                bytes.append(contentsOf: repeatElement(0, count: capacity - bytes.count))
            }
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw InputError(.unreadableFile, source: path, problem: "cannot read the draw history (\(String(cString: strerror(errno))))",
                                 fix: "check the path and the file's permissions")
            }
            if count == 0 { break }
            filled += count
        }
        bytes.removeLast(bytes.count - filled)
        if filled == 0 {
            throw InputError(
                .emptyHistory, source: path,
                problem: (info.st_mode & S_IFMT) == S_IFREG ? "the file is empty (0 bytes)" : "is empty (0 bytes read; it is not a regular file)",
                fix: "give a file with at least one draw")
        }
        return bytes
    }

    /// Refuses UTF-16 and UTF-32 files (by their byte-order marks, or the zero bytes of ASCII text
    /// in them), naming the encoding.
    static func checkEncoding(_ bytes: [UInt8], source: String) throws(InputError) {
        func refuse(_ encoding: String) -> InputError {
            InputError(.malformedHistory, source: source, problem: "the file is \(encoding), not UTF-8",
                       fix: "save it as UTF-8 (JSON, CSV or plain text)")
        }
        let head = Array(bytes.prefix(4))
        if head.starts(with: [0xFF, 0xFE, 0, 0]) { throw refuse("UTF-32 (little-endian)") }
        if head.starts(with: [0, 0, 0xFE, 0xFF]) { throw refuse("UTF-32 (big-endian)") }
        if head.starts(with: [0xFF, 0xFE]) { throw refuse("UTF-16 (little-endian)") }
        if head.starts(with: [0xFE, 0xFF]) { throw refuse("UTF-16 (big-endian)") }
        if head.count == 4 {
            if head[0] != 0 && head[1] == 0 && head[2] == 0 && head[3] == 0 { throw refuse("UTF-32 (little-endian)") }
            if head[0] == 0 && head[1] == 0 && head[2] == 0 && head[3] != 0 { throw refuse("UTF-32 (big-endian)") }
        }
        if head.count >= 2 {
            if head[0] != 0 && head[1] == 0 { throw refuse("UTF-16 (little-endian)") }
            if head[0] == 0 && head[1] != 0 { throw refuse("UTF-16 (big-endian)") }
        }
    }

    /// Line `number` of a CSV or text file as a string, or the error naming it when it is not UTF-8.
    static func lineText(_ bytes: ArraySlice<UInt8>, number: Int, source: String) throws(InputError) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var column = 1
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var consumed = bytes.startIndex
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                consumed += UTF8.width(scalar)
                column += 1
            case .emptyInput, .error: break loop
            }
        }
        let byte = consumed < bytes.endIndex ? bytes[consumed] : 0
        throw InputError(.malformedHistory, source: "\(source): line \(number), column \(column)",
                         problem: "the text is not UTF-8 (byte 0x\(String(byte, radix: 16, uppercase: true)))",
                         fix: "save it as UTF-8 (the file may be Latin-1 or Windows-1252)")
    }

    /// A history built from entries already in memory (for tests and generated data).
    public init(
        source: String, format: Format = .json, parsed: [Entry], sessions: [String]? = nil,
        newestFirst: Bool = false, checksum: String = ""
    ) throws(InputError) {
        let dated = parsed.count(where: { $0.date != nil })
        var order: Order
        var ordered = parsed
        if dated == 0 {
            order = newestFirst ? .reversedFileOrder : .fileOrder
            if newestFirst { ordered.reverse() }
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
            // Stable by construction: ties keep the file's order (fileIndex), whatever the sort.
            func before(_ a: Entry, _ b: Entry) -> Bool {
                if a.date != b.date { return a.date! < b.date! }
                let (rankA, rankB) = (Self.sessionRank(a.session), Self.sessionRank(b.session))
                if rankA != rankB { return rankA < rankB }
                return a.fileIndex < b.fileIndex
            }
            if !ordered.indices.dropFirst().allSatisfy({ !before(ordered[$0], ordered[$0 - 1]) }) {
                ordered.sort(by: before)
            }
        }
        var dropped = 0
        if let sessions {
            var present = Set<String>()
            for entry in ordered { if let session = entry.session { present.insert(session) } }
            for session in sessions where !present.contains(session) {
                let known = present.sorted()
                throw InputError(
                    .unknownSession, source: "--sessions \(session)",
                    problem: "\(source) has no draw in session '\(session)'",
                    fix: known.isEmpty
                        ? "drop --sessions: the file records no sessions"
                        : "choose among: \(known.joined(separator: ", "))")
            }
            let total = ordered.count
            ordered.removeAll { entry in !(entry.session.map(sessions.contains) ?? false) }
            dropped = total - ordered.count
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

    static func detectFormat(path: String, bytes: [UInt8], from start: Int) -> Format {
        let lower = path.lowercased()
        if lower.hasSuffix(".json") { return .json }
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".txt") { return .text }
        let first = bytes[start...].first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        return first == UInt8(ascii: "[") ? .json : .text
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

    /// Whether `text` is a calendar date `YYYY-MM-DD` (the Gregorian calendar: February has 29
    /// days in years divisible by 4, except centuries not divisible by 400).
    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month)
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }

    /// One copy of each session name, shared by every entry that names it.
    struct SessionNames {
        private var names: [String: String] = [:]

        mutating func intern(_ name: String) -> String {
            if let known = names[name] { return known }
            names[name] = name
            return name
        }
    }

    static func checkedDate(_ date: String?, place: String) throws(InputError) -> String? {
        guard let date else { return nil }
        guard isDate(date) else {
            throw InputError(.malformedHistory, source: "\(place), date", problem: "'\(date)' is not a date",
                             fix: "write dates as YYYY-MM-DD, a day that exists in that month")
        }
        return date
    }

    /// Reads a JSON history one entry at a time (the document is never held as a tree).
    static func parseJSON(_ bytes: [UInt8], source: String) throws(InputError) -> [Entry] {
        func syntax(_ error: JSONSyntaxError, entry: Int?) -> InputError {
            let place = entry.map { "entry \($0) (line \(error.line), column \(error.column))" } ?? "line \(error.line), column \(error.column)"
            return InputError(
                .malformedHistory, source: "\(source): \(place)", problem: error.problem,
                fix: error.isEncodingError ? "save it as UTF-8 (the file may be Latin-1 or Windows-1252)"
                    : "correct the JSON there (the reference format is [{\"draw\": 843, \"session\": \"midday\"}, …])")
        }
        let document: JSONReader.Document
        do {
            document = try JSONReader.document(bytes)
        } catch {
            throw syntax(error, entry: nil)
        }
        guard case .array(var elements) = document else {
            let typeName = if case .other(let value) = document { value.typeName } else { "" }
            throw InputError(
                .malformedHistory, source: source, problem: "the JSON document is \(typeName), not an array of draws",
                fix: "write the history as [{\"draw\": 843, \"session\": \"midday\"}, …]")
        }
        var entries: [Entry] = []
        // About 40 bytes per entry in the reference's format: room without a reallocation, mostly.
        entries.reserveCapacity(bytes.count / 40 + 1)
        var names = SessionNames()
        while true {
            let index = elements.count
            let element: JSONValue
            let line: Int
            do {
                guard let next = try elements.next() else { break }
                (element, line) = next
            } catch {
                throw syntax(error, entry: error.problem.hasPrefix("unexpected text after") ? nil : index)
            }
            let place = "\(source): entry \(index) (line \(line))"
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
            let date = try checkedDate(try stringField("date"), place: place)
            let session = try stringField("session").map { names.intern($0) }
            entries.append(Entry(value: value, isFullState: fullState != nil, session: session, date: date, fileIndex: index))
        }
        return entries
    }

    /// The records of a CSV file (RFC 4180: quoted fields may hold commas, quotes written twice and
    /// line breaks; records end with CRLF or LF, the last one perhaps with none), each with the
    /// line it starts on. Lines holding only whitespace are skipped.
    static func csvRecords(_ bytes: [UInt8], from start: Int, source: String,
                           _ body: (_ line: Int, _ fields: [String]) throws(InputError) -> Void) throws(InputError) {
        var index = start
        var line = 1
        let end = bytes.count
        while index < end {
            let recordLine = line
            var fields: [String] = []
            var field: [UInt8] = []
            var quoted = false
            var wasQuoted = false
            var blank = true
            func text(_ field: [UInt8]) throws(InputError) -> String {
                try lineText(field[...], number: recordLine, source: source)
            }
            recordLoop: while index < end {
                let byte = bytes[index]
                if quoted {
                    index += 1
                    if byte == UInt8(ascii: "\"") {
                        if index < end && bytes[index] == UInt8(ascii: "\"") {
                            field.append(byte)
                            index += 1
                        } else {
                            quoted = false
                        }
                    } else {
                        if byte == 0x0A { line += 1 }
                        field.append(byte)
                    }
                    continue
                }
                switch byte {
                case 0x0A:
                    index += 1
                    line += 1
                    break recordLoop
                case 0x0D where index + 1 < end && bytes[index + 1] == 0x0A:
                    index += 2
                    line += 1
                    break recordLoop
                case UInt8(ascii: ","):
                    fields.append(try text(field))
                    field = []
                    wasQuoted = false
                    blank = false
                    index += 1
                case UInt8(ascii: "\"") where !wasQuoted && field.allSatisfy({ $0 == 0x20 || $0 == 0x09 }):
                    quoted = true
                    wasQuoted = true
                    blank = false
                    field = []
                    index += 1
                default:
                    if byte != 0x20 && byte != 0x09 && byte != 0x0D { blank = false }
                    field.append(byte)
                    index += 1
                }
            }
            guard !quoted else {
                throw InputError(.malformedHistory, source: "\(source): line \(recordLine)", problem: "a quoted field is not closed",
                                 fix: "close the field with '\"'")
            }
            if blank { continue }
            fields.append(try text(field))
            try body(recordLine, fields)
        }
    }

    static func parseCSV(_ bytes: [UInt8], from start: Int, source: String) throws(InputError) -> [Entry] {
        var header: (line: Int, names: [String])?
        var columns: (draw: Int, date: Int?, session: Int?) = (0, nil, nil)
        var entries: [Entry] = []
        var names = SessionNames()
        try csvRecords(bytes, from: start, source: source) { (line, fields) throws(InputError) in
            guard let header else {
                let lowered = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                guard let drawColumn = lowered.firstIndex(of: "draw") else {
                    throw InputError(.missingDraw, source: "\(source): line \(line)", problem: "the header row has no 'draw' column",
                                     fix: "start the file with a header row such as draw,date,session")
                }
                header = (line, lowered)
                columns = (drawColumn, lowered.firstIndex(of: "date"), lowered.firstIndex(of: "session"))
                return
            }
            let place = "\(source): line \(line)"
            guard fields.count == header.names.count else {
                throw InputError(.malformedHistory, source: place, problem: "has \(fields.count) fields, the header \(header.names.count)",
                                 fix: "give every row one field per header column (quote fields holding commas: \"a,b\")")
            }
            let drawText = fields[columns.draw].trimmingCharacters(in: .whitespaces)
            guard !drawText.isEmpty else {
                throw InputError(.missingDraw, source: "\(place), draw", problem: "is empty", fix: "give every row a draw")
            }
            let value: UInt64
            switch integer(drawText) {
            case .success(let parsed): value = parsed
            case .failure(let problem):
                throw InputError(.invalidDraw, source: "\(place), draw", problem: problem, fix: "write the draw as a non-negative integer")
            }
            var date = columns.date.map { fields[$0].trimmingCharacters(in: .whitespaces) }
            if date?.isEmpty == true { date = nil }
            date = try checkedDate(date, place: place)
            var session = columns.session.map { fields[$0].trimmingCharacters(in: .whitespaces) }
            if session?.isEmpty == true { session = nil }
            entries.append(Entry(value: value, session: session.map { names.intern($0) }, date: date, fileIndex: entries.count))
        }
        guard header != nil else {
            throw InputError(.emptyHistory, source: source, problem: "the CSV file is empty",
                             fix: "give a header row (draw,date,session) and one row per draw")
        }
        return entries
    }

    /// The lines of a text or CSV file, ending in LF or CRLF (the last one perhaps in none), each
    /// without its ending, with its 1-based number.
    static func lines(_ bytes: [UInt8], from start: Int, _ body: (_ number: Int, _ line: ArraySlice<UInt8>) throws(InputError) -> Void) throws(InputError) {
        var number = 1
        var lineStart = start
        while lineStart < bytes.count {
            var lineEnd = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
            let next = lineEnd + 1
            if lineEnd > lineStart && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            try body(number, bytes[lineStart..<lineEnd])
            number += 1
            lineStart = next
        }
    }

    static func parseText(_ bytes: [UInt8], from start: Int, source: String) throws(InputError) -> [Entry] {
        var entries: [Entry] = []
        try lines(bytes, from: start) { (number, bytes) throws(InputError) in
            let text = try lineText(bytes, number: number, source: source)
            var line = Substring(text)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { return }
            switch integer(trimmed) {
            case .success(let value): entries.append(Entry(value: value, fileIndex: entries.count))
            case .failure(let problem):
                throw InputError(.invalidDraw, source: "\(source): line \(number)", problem: "'\(trimmed)' \(problem)",
                                 fix: "write one non-negative integer per line (# starts a comment)")
            }
        }
        return entries
    }
}
