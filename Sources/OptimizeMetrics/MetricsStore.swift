import Foundation
import _OptimizeSupport

/// The metrics store (docs/operations.md, "The metrics store"): per agent (a command or a
/// workload: `sieve`, `search`, `bench.W1`, `soak`, …) an append-only `executions.jsonl` of
/// ``MetricsRecord``s and the `summary.json` recomputed after every append, under one folder of a
/// project (``locate(override:environment:currentDirectory:)``).
///
/// ```swift
/// let store = MetricsStore(root: MetricsStore.locate(override: nil))
/// let record = MetricsRecord(success: true, agent: "bench.W1", qualityScore: 4.1e7, executionTimeS: 0.41)
/// try store.append(record, idempotencyKey: MetricsRecord.key("bench", run: runID, iteration: 1, workload: "W1"))
/// ```
///
/// **Writes.** Every change to an agent's files is made holding `metrics.lock` in the agent's
/// folder (`flock`, waited for: two processes appending at once both append, in turn). An append
/// that changes nothing else writes one whole line with one `write` and fsyncs it; an append that
/// also drops expired records (or a prune) rewrites the file atomically (``AtomicFile``). Nothing is
/// written through a symlink. The lock is a file of its own so that a rewrite, which replaces
/// `executions.jsonl`, never replaces the lock other processes wait on.
///
/// **Damage.** A line that is not a record is reported (``Damage``, naming the file and line) and
/// skipped, never fatal; a rewrite keeps it as it is. A last line without a newline is an append
/// that never finished: reported, and cut off by the next append.
///
/// **Idempotency.** The key of every record is kept in the record; an append whose key is in the
/// file writes nothing and returns false. Keys go with their records when these are pruned.
public struct MetricsStore: Sendable {
    /// A line of `executions.jsonl` that is not a record, skipped.
    public struct Damage: Sendable, Equatable, CustomStringConvertible {
        public let file: String
        public let line: Int
        public let problem: String

        public var description: String { "warning: \(file): line \(line): \(problem); the line is skipped" }
    }

    /// An agent's records as read, with the lines that were not records.
    public struct Contents: Sendable {
        /// The records, in the order they were appended.
        public var records: [MetricsRecord] = []
        public var damage: [Damage] = []
        /// Every whole line, as its bytes (newline excluded), with its record when it is one.
        var lines: [(bytes: ArraySlice<UInt8>, record: MetricsRecord?)] = []
        /// Where the whole lines end (a torn last line starts there).
        var goodLength: UInt64 = 0
        var tornTail = false
    }

    public static let executionsFile = "executions.jsonl"
    public static let summaryFile = "summary.json"
    public static let lockFile = "metrics.lock"
    public static let defaultRetentionDays = 180
    /// The environment variable that names the metrics folder instead of `./.optimize/metrics`.
    public static let directoryVariable = "OPTIMIZE_METRICS_DIR"
    /// The environment variable that sets the retention in days instead of 180.
    public static let retentionVariable = "OPTIMIZE_METRICS_RETENTION_DAYS"
    /// The metrics folder's place in a project directory.
    public static let projectPath = ".optimize/metrics"

    /// The metrics folder: one folder per agent in it.
    public let root: FilePath
    /// Records older than this are dropped by the next append, and by ``prune(agent:days:now:)``.
    public var retentionDays: Int
    /// Where damaged lines are reported (standard error by default).
    public var onDamage: @Sendable (Damage) -> Void

    public init(root: FilePath, retentionDays: Int = MetricsStore.defaultRetentionDays,
                onDamage: @escaping @Sendable (Damage) -> Void = MetricsStore.warnOnStandardError) {
        self.root = root
        self.retentionDays = retentionDays
        self.onDamage = onDamage
    }

    /// Writes the damage's warning line on standard error.
    public static let warnOnStandardError: @Sendable (Damage) -> Void = { damage in
        FileHandle.standardError.write(Data((damage.description + "\n").utf8))
    }

    /// The metrics folder: `override` (`--metrics-dir`) when given, else `OPTIMIZE_METRICS_DIR`
    /// when set and not empty, else `.optimize/metrics` in the current directory, the project.
    /// A relative path is taken from the current directory.
    public static func locate(override: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                              currentDirectory: String = FileManager.default.currentDirectoryPath) -> FilePath {
        let chosen = override ?? environment[directoryVariable].flatMap { $0.isEmpty ? nil : $0 } ?? projectPath
        let path = FilePath(chosen)
        return path.isAbsolute ? path : FilePath(currentDirectory).pushing(path)
    }

    /// The retention `OPTIMIZE_METRICS_RETENTION_DAYS` sets, or 180 days when it is not set.
    ///
    /// - Throws: `invalidRetention` when it is set to anything but a whole number of days ≥ 1.
    public static func retention(environment: [String: String] = ProcessInfo.processInfo.environment) throws(InputError) -> Int {
        guard let text = environment[retentionVariable], !text.isEmpty else { return defaultRetentionDays }
        return try checkRetention(text, source: retentionVariable)
    }

    /// `text` as a retention in days.
    ///
    /// - Throws: `invalidRetention` unless it is a whole number from 1 to 36500.
    public static func checkRetention(_ text: String, source: String) throws(InputError) -> Int {
        guard let days = Int(text.trimmingCharacters(in: .whitespaces)), (1...36_500).contains(days) else {
            throw InputError(.invalidRetention, source: source, problem: "'\(text)' is not a number of days from 1 to 36500",
                             fix: "give the days to keep records for, such as 180")
        }
        return days
    }

    /// Refuses a name that cannot be an agent's folder.
    ///
    /// - Throws: `unknownAgent` unless it is 1 to 100 letters, digits, `.`, `_` and `-` starting with a letter or digit.
    public static func checkAgentName(_ name: String) throws(InputError) {
        let allowed = name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-")
        }
        guard allowed, (1...100).contains(name.utf8.count), let first = name.first, first.isLetter || first.isNumber else {
            throw InputError(.unknownAgent, source: name, problem: "is not an agent name",
                             fix: "name an agent with letters, digits, '.', '_' and '-', such as bench.W1")
        }
    }

    /// The agents that have records, sorted.
    public func agents() -> [String] {
        guard let names = FileIO.directoryEntries(root) else { return [] }
        return names.filter { name in
            (try? Self.checkAgentName(name)) != nil && FileIO.isDirectory(root.appending(name))
                && FileIO.isRegularFile(root.appending(name).appending(Self.executionsFile))
        }.sorted()
    }

    /// The folder of `agent`.
    public func directory(of agent: String) -> FilePath { root.appending(agent) }

    // MARK: - Appending

    /// Appends `record` with `idempotencyKey` to its agent's `executions.jsonl`, drops records older
    /// than the retention, and rewrites `summary.json`; returns false, writing nothing, when a record
    /// with that key is in the file.
    ///
    /// - Parameter now: the time the retention counts back from.
    /// - Throws: `unknownAgent` for a record whose agent cannot be a name; `invalidOption` for an
    ///   empty key; `unwritableFile` or `diskFull` when the files cannot be written (a symlink
    ///   where the store's folders or files should be included).
    @discardableResult
    public func append(_ record: MetricsRecord, idempotencyKey: String, now: Date = Date()) throws(InputError) -> Bool {
        try Self.checkAgentName(record.agent)
        guard !idempotencyKey.isEmpty else {
            throw InputError(.invalidOption, source: "idempotency key", problem: "is empty",
                             fix: "give each execution a key of its own, such as its run, iteration and workload")
        }
        var record = record
        record.idempotencyKey = idempotencyKey
        let folder = try makeFolder(record.agent)
        let lock = try lock(folder)
        defer { withExtendedLifetime(lock) {} }
        let file = folder.appending(Self.executionsFile)
        let contents = try read(file)
        report(contents)
        if contents.records.contains(where: { $0.idempotencyKey == idempotencyKey }) { return false }
        let line = try Self.line(record)
        let (kept, expired) = partition(contents, now: now)
        if expired > 0 {
            try rewrite(file, lines: kept.map { Array($0.bytes) } + [line])
        } else {
            let appender = try AppendOnlyFile(path: file, truncatingTo: contents.tornTail ? contents.goodLength : nil)
            try appender.append(line + [UInt8(ascii: "\n")])
        }
        try writeSummary(agent: record.agent, records: kept.compactMap(\.record) + [record], in: folder)
        return true
    }

    /// Drops the records of `agent` older than `days` (the store's retention when nil), rewriting
    /// `executions.jsonl` atomically and `summary.json`; returns how many were dropped.
    ///
    /// - Throws: `unknownAgent` when the agent has no records; file errors as ``append(_:idempotencyKey:now:)``.
    @discardableResult
    public func prune(agent: String, days: Int? = nil, now: Date = Date()) throws(InputError) -> Int {
        try Self.checkAgentName(agent)
        guard agents().contains(agent) else { throw unknown(agent) }
        let folder = directory(of: agent)
        let lock = try lock(folder)
        defer { withExtendedLifetime(lock) {} }
        let file = folder.appending(Self.executionsFile)
        let contents = try read(file)
        report(contents)
        let (kept, expired) = partition(contents, now: now, days: days ?? retentionDays)
        if expired > 0 { try rewrite(file, lines: kept.map { Array($0.bytes) }) }
        try writeSummary(agent: agent, records: kept.compactMap(\.record), in: folder)
        return expired
    }

    // MARK: - Reading

    /// The records of `agent`, reporting damaged lines (``onDamage``).
    ///
    /// - Throws: `unknownAgent` when the agent has no records.
    public func records(of agent: String) throws(InputError) -> Contents {
        try Self.checkAgentName(agent)
        guard agents().contains(agent) else { throw unknown(agent) }
        let contents = try read(directory(of: agent).appending(Self.executionsFile))
        report(contents)
        return contents
    }

    /// The summary of `agent`'s records (what its `summary.json` holds after the last write).
    public func summary(of agent: String) throws(InputError) -> MetricsSummary {
        MetricsSummary(agent: agent, records: try records(of: agent).records)
    }

    /// Parses `executions.jsonl` (absent: no records).
    public static func parse(_ bytes: [UInt8], file: String) -> Contents {
        var contents = Contents()
        let decoder = JSONValueDecoder(keys: .snakeCase)
        var start = 0
        var number = 0
        while start < bytes.count {
            number += 1
            guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                contents.tornTail = true
                contents.damage.append(Damage(file: file, line: number, problem: "the line has no end (an append that did not finish)"))
                break
            }
            let text = bytes[start..<newline]
            var record: MetricsRecord?
            do {
                let value = try JSONReader.parse(text)
                let decoded = try decoder.decode(MetricsRecord.self, from: value, source: "\(file): line \(number)")
                guard decoded.date != nil else {
                    throw InputError(.unreadableFile, source: file, problem: "the timestamp '\(decoded.timestamp)' is not UTC ISO 8601",
                                     fix: "")
                }
                record = decoded
            } catch let error as InputError {
                contents.damage.append(Damage(file: file, line: number, problem: "not a record: \(error.problem)"))
            } catch {
                contents.damage.append(Damage(file: file, line: number, problem: "not JSON (\(error))"))
            }
            if let record { contents.records.append(record) }
            contents.lines.append((text, record))
            start = newline + 1
            contents.goodLength = UInt64(start)
        }
        return contents
    }

    // MARK: - Private

    private func read(_ file: FilePath) throws(InputError) -> Contents {
        guard let bytes = try FileIO.contents(of: file, followingLinks: false) else { return Contents() }
        return Self.parse(bytes, file: file.string)
    }

    private func report(_ contents: Contents) {
        for damage in contents.damage { onDamage(damage) }
    }

    /// The lines to keep (records within the retention, and damaged lines as they are) and how many records expired.
    private func partition(_ contents: Contents, now: Date, days: Int? = nil)
        -> (kept: [(bytes: ArraySlice<UInt8>, record: MetricsRecord?)], expired: Int) {
        let cutoff = now.addingTimeInterval(-Double(days ?? retentionDays) * 86_400)
        let kept = contents.lines.filter { line in line.record.flatMap(\.date).map { $0 >= cutoff } ?? true }
        return (kept, contents.lines.count - kept.count)
    }

    private func rewrite(_ file: FilePath, lines: [[UInt8]]) throws(InputError) {
        try AtomicFile.write(to: file) { (writer) throws(InputError) in
            for line in lines { try writer.write(line + [UInt8(ascii: "\n")]) }
        }
    }

    private func writeSummary(agent: String, records: [MetricsRecord], in folder: FilePath) throws(InputError) {
        let summary = MetricsSummary(agent: agent, records: records)
        try AtomicFile.write(try summary.json().fileBytes, to: folder.appending(Self.summaryFile))
    }

    private static func line(_ record: MetricsRecord) throws(InputError) -> [UInt8] {
        Array(try JSONValueEncoder(keys: .snakeCase).encode(record).text.utf8)
    }

    /// The agent's folder, created (with the metrics folder) when missing; a symlink is refused.
    private func makeFolder(_ agent: String) throws(InputError) -> FilePath {
        if !FileIO.isDirectory(root) { try FileIO.makeDirectories(root) }
        let folder = directory(of: agent)
        try FileIO.makeDirectory(folder)
        return folder
    }

    private func lock(_ folder: FilePath) throws(InputError) -> DirectoryLock {
        try DirectoryLock(directory: folder, name: Self.lockFile, holder: "metrics store", waiting: true)
    }

    private func unknown(_ agent: String) -> InputError {
        let known = agents()
        return InputError(.unknownAgent, source: agent, problem: "no agent of that name has records in \(root.string)",
                          fix: known.isEmpty ? "run sieve, search or bench first, which record into it"
                                             : "name one of \(known.joined(separator: ", "))")
    }
}
