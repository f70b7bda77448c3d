import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A study on disk, shared by any number of processes on one machine through ask and tell.
///
/// A study is a directory holding `study.json` (the ``StudyDefinition``, written once, atomically)
/// and `trials.journal`, an append-only journal of trial events (asked, told, failed, pruned) whose
/// records are checksummed (see `Journal`). Every operation replays the journal under a file lock,
/// so two processes never get the same trial, and a torn last record left by a crash is dropped.
///
/// ```swift
/// let store = try StudyStore.create(at: directory, definition: StudyDefinition(space: space, direction: .minimize, seed: 7))
/// let trial = try store.ask()
/// try store.tell(trial: trial.number, value: objective(trial.parameters))
/// let best = try store.snapshot().best
/// ```
public final class StudyStore {
    /// The version written into new studies' `study.json`.
    public static let toolVersion = OptimizeVersion.current

    public static let definitionFileName = "study.json"
    public static let journalFileName = "trials.journal"

    public let directory: URL
    public let definition: StudyDefinition
    public let sampler: TPESampler
    private let journalPath: FilePath
    /// The journal opened for appending, on the first write (a study is read without write access).
    private var writableJournal: Journal?

    /// Opens the study in `directory`.
    ///
    /// - Throws: ``InputError``: `invalidStudy` when the directory holds no study or a
    ///   damaged one; `unreadableFile` when it cannot be read.
    public init(opening directory: URL) throws(InputError) {
        self.directory = directory
        let definitionURL = directory.appendingPathComponent(Self.definitionFileName)
        let data: Data
        // Never through a symlink planted at study.json (refused, naming it).
        if FileIO.isSymbolicLink(FilePath(definitionURL.path)) {
            throw InputError(.invalidStudy, source: definitionURL.path, problem: "is a symbolic link, which optimize never follows in a study",
                             fix: "remove the link; restore the study's own study.json")
        }
        do { data = try Data(contentsOf: definitionURL) } catch {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory)
            throw InputError(
                .invalidStudy, source: directory.path,
                problem: exists && isDirectory.boolValue ? "not a study (it has no \(Self.definitionFileName))" : "no such directory",
                fix: "create a study with `optimize study new \(directory.path) --space SPACE.json --direction minimize --seed S`")
        }
        let json: JSONValue
        do { json = try JSONReader.parse([UInt8](data)) } catch {
            throw InputError(.invalidStudy, source: definitionURL.path, problem: "not valid JSON",
                             fix: "restore study.json; it is written once by `optimize study new` and never needs editing")
        }
        definition = try StudyDefinition(json: json, source: definitionURL.path)
        guard let configuration = TPESampler.Configuration.version(definition.samplerVersion) else {
            throw InputError(.invalidStudy, source: definitionURL.path,
                             problem: "was made by sampler \(definition.samplerVersion), which this optimize does not know",
                             fix: "continue the study with the optimize that made it (its version is in study.json)")
        }
        sampler = TPESampler(seed: definition.seed, configuration: configuration)
        journalPath = FilePath(directory.appendingPathComponent(Self.journalFileName).path)
        guard FileIO.size(of: journalPath) != nil else {
            throw InputError(.invalidStudy, source: journalPath.string, problem: "the study has no journal",
                             fix: "give the directory of a study made by `optimize study new`")
        }
    }

    /// The journal, opened for appending.
    private func journal() throws(InputError) -> Journal {
        if let writableJournal { return writableJournal }
        let journal = try Journal(appendingTo: journalPath, damage: .invalidStudy, create: false)
        writableJournal = journal
        return journal
    }

    /// Creates a study in `directory` (created if missing), and opens it.
    ///
    /// - Throws: ``InputError``: `studyExists` when the directory already holds a study;
    ///   `unwritableFile` when it cannot be written. Nothing already on disk is changed then.
    @discardableResult
    public static func create(at directory: URL, definition: StudyDefinition) throws(InputError) -> StudyStore {
        let definitionURL = directory.appendingPathComponent(definitionFileName)
        let journalURL = directory.appendingPathComponent(journalFileName)
        if FileManager.default.fileExists(atPath: definitionURL.path) { throw exists(directory) }
        // Every directory made is durable (its parent fsynced).
        try FileIO.makeDirectories(FilePath(directory.path))
        // Held while the study is made: a second `study new` on it is refused (runBusy), touching nothing.
        let lock = try DirectoryLock(directory: FilePath(directory.path), name: DirectoryLock.study, holder: "study",
                                     fix: "wait for the other `optimize study new` to finish, then use the study it made")
        defer { withExtendedLifetime(lock) {} }
        let journal = try Journal(appendingTo: FilePath(journalURL.path), damage: .invalidStudy, create: true)
        // The journal's lock also orders two processes creating the same study: one wins.
        try journal.withExclusiveLock { (contents) throws(InputError) in
            if FileManager.default.fileExists(atPath: definitionURL.path) { throw exists(directory) }
            guard contents.records.isEmpty else {
                throw InputError(.studyExists, source: journalURL.path, problem: "a journal with trials is already there",
                                 fix: "choose an empty directory for the new study")
            }
            try AtomicFile.write(Array((definition.json.text + "\n").utf8), to: FilePath(definitionURL.path))
        }
        return try StudyStore(opening: directory)
    }

    private static func exists(_ directory: URL) -> InputError {
        InputError(.studyExists, source: directory.path, problem: "a study already exists there",
                   fix: "choose another directory, or keep using the existing study")
    }

    // MARK: - Reading

    /// The study's trials as of one instant.
    public struct Snapshot: Sendable {
        public let definition: StudyDefinition
        /// Every trial, by number.
        public let trials: [TrialRecord]
        /// Whether a torn last journal record (from a process that died mid-write) was dropped.
        public let droppedTornRecord: Bool

        public init(definition: StudyDefinition, trials: [TrialRecord], droppedTornRecord: Bool) {
            self.definition = definition
            self.trials = trials
            self.droppedTornRecord = droppedTornRecord
        }

        /// The best complete trial; ties go to the older trial.
        public var best: TrialRecord? {
            let sign: Double = definition.direction == .minimize ? 1 : -1
            return trials.filter { $0.value != nil }.min { (sign * $0.value!, $0.number) < (sign * $1.value!, $1.number) }
        }

        /// Trials asked for and never told whose process is known to be gone (same host, no such
        /// process). Retry them with ``StudyStore/reask(trial:owner:)`` or fail them.
        public var orphaned: [TrialRecord] {
            trials.filter { $0.state == .running && $0.owner.map(StudyStore.isGone) == true }
        }

        /// The trials whose state is named `stateName` (running, complete, failed or pruned).
        public func trials(in stateName: String) -> [TrialRecord] {
            trials.filter { $0.state.name == stateName }
        }
    }

    /// Reads the study's trials.
    public func snapshot() throws(InputError) -> Snapshot {
        let contents = try Journal.read(journalPath, damage: .invalidStudy)
        return Snapshot(definition: definition, trials: try replay(contents.records), droppedTornRecord: contents.tornTail)
    }

    /// Rebuilds the trials from the journal's events.
    func replay(_ records: [JSONValue]) throws(InputError) -> [TrialRecord] {
        var trials: [TrialRecord] = []
        for (index, record) in records.enumerated() {
            guard case .string(let event)? = record["event"], case .integer(let number)? = record["trial"], number >= 0 else {
                throw damaged(index, "an event without a type or trial number")
            }
            let time = record["time"].flatMap { if case .string(let text) = $0 { Timestamp.date(text) } else { nil } } ?? Date(timeIntervalSince1970: 0)
            if event == "asked" {
                guard case .object(let members)? = record["params"] else { throw damaged(index, "an ask without parameters") }
                var parameters: [String: ParameterValue] = [:]
                for (name, json) in members {
                    guard let value = definition.space.parameter(named: name)?.value(from: json) else {
                        throw damaged(index, "parameter \(name) = \(json.text) is outside the study's space")
                    }
                    parameters[name] = value
                }
                var owner: TrialOwner?
                if case .integer(let pid)? = record["pid"], case .string(let host)? = record["host"] {
                    owner = TrialOwner(processID: Int32(truncatingIfNeeded: pid), host: host)
                }
                if number == trials.count {
                    trials.append(TrialRecord(number: number, parameters: parameters, askedAt: time, owner: owner))
                } else if number < trials.count, trials[number].state == .running {
                    trials[number].attempts += 1  // a retry of an unfinished trial
                    trials[number].owner = owner
                } else {
                    throw damaged(index, "trial \(number) asked out of order")
                }
                continue
            }
            guard number < trials.count, trials[number].state == .running else {
                throw damaged(index, "trial \(number) finished twice, or before it was asked")
            }
            switch event {
            case "told":
                guard let value = record["value"]?.number else { throw damaged(index, "a tell without a value") }
                trials[number].state = .complete(value)
            case "failed":
                trials[number].state = .failed
            case "pruned":
                let step: Int? = if case .integer(let step)? = record["step"] { step } else { nil }
                trials[number].state = .pruned(step: step, value: record["value"]?.number)
            default:
                throw damaged(index, "unknown event \"\(event)\"")
            }
            trials[number].finishedAt = time
        }
        return trials
    }

    private func damaged(_ index: Int, _ problem: String) -> InputError {
        InputError(.invalidStudy, source: "\(journalPath.string): record \(index + 1)", problem: problem,
                   fix: "restore the journal from a backup; it was changed by something other than optimize")
    }

    // MARK: - Ask and tell

    /// The process that called: this one, on this host.
    public static var currentOwner: TrialOwner {
        TrialOwner(processID: getpid(), host: TrialOwner.currentHost)
    }

    /// Hands out the next trial, with the parameters the sampler proposes for it.
    ///
    /// - Parameter owner: the process that will evaluate it (to report it orphaned if it dies).
    /// - Returns: the new trial, running.
    public func ask(owner: TrialOwner = StudyStore.currentOwner) throws(InputError) -> TrialRecord {
        try journal().withExclusiveLock { (contents) throws(InputError) in
            let trials = try replay(contents.records)
            let number = trials.count
            let parameters = sampler.propose(trial: number, space: definition.space, direction: definition.direction, history: trials)
            let trial = TrialRecord(number: number, parameters: parameters, owner: owner)
            try journal().append(askedEvent(trial))
            return trial
        }
    }

    /// Hands out an unfinished trial again, with its parameters (its process died, say).
    ///
    /// - Throws: ``InputError``: `unknownTrial`, or `finishedTrial` when it was already told.
    public func reask(trial number: Int, owner: TrialOwner = StudyStore.currentOwner) throws(InputError) -> TrialRecord {
        try journal().withExclusiveLock { (contents) throws(InputError) in
            var trial = try runningTrial(number, in: try replay(contents.records))
            trial.owner = owner
            trial.attempts += 1
            try journal().append(askedEvent(trial))
            return trial
        }
    }

    /// Records the value of a running trial.
    ///
    /// - Throws: ``InputError``: `invalidOption` for a value that is not finite (fail the
    ///   trial instead), `unknownTrial`, or `finishedTrial`.
    public func tell(trial number: Int, value: Double) throws(InputError) {
        guard value.isFinite else {
            throw InputError(.invalidOption, source: "\(directory.path): trial \(number)", problem: "the value \(value) is not a finite number",
                             fix: "tell a finite value, or mark the trial failed")
        }
        try finish(number, event: "told", extra: [("value", .double(value))])
    }

    /// Marks a running trial failed: the sampler ignores it from then on.
    public func fail(trial number: Int) throws(InputError) {
        try finish(number, event: "failed", extra: [])
    }

    /// Marks a running trial pruned (stopped early), with the step it reached and its last value.
    public func prune(trial number: Int, step: Int? = nil, value: Double? = nil) throws(InputError) {
        var extra: [(key: String, value: JSONValue)] = []
        if let step { extra.append(("step", .integer(step))) }
        if let value, value.isFinite { extra.append(("value", .double(value))) }
        try finish(number, event: "pruned", extra: extra)
    }

    private func finish(_ number: Int, event: String, extra: [(key: String, value: JSONValue)]) throws(InputError) {
        try journal().withExclusiveLock { (contents) throws(InputError) in
            _ = try runningTrial(number, in: try replay(contents.records))
            let record = JSONValue.object(
                [("event", .string(event)), ("trial", .integer(number))] + extra + [("time", .string(Timestamp.string(Date())))])
            try journal().append(record)
        }
    }

    private func runningTrial(_ number: Int, in trials: [TrialRecord]) throws(InputError) -> TrialRecord {
        guard number >= 0, number < trials.count else {
            throw InputError(.unknownTrial, source: "\(directory.path): trial \(number)",
                             problem: trials.isEmpty ? "the study has no trials yet" : "the study has trials 0 to \(trials.count - 1) only",
                             fix: "give the number `optimize ask` printed")
        }
        let trial = trials[number]
        guard trial.state == .running else {
            throw InputError(.finishedTrial, source: "\(directory.path): trial \(number)", problem: "it is already \(trial.state.name)",
                             fix: "tell each trial once; ask for a new trial to evaluate more")
        }
        return trial
    }

    private func askedEvent(_ trial: TrialRecord) -> JSONValue {
        let parameters = definition.space.parameters.compactMap { parameter in
            trial.parameters[parameter.name].map { (key: parameter.name, value: $0.json) }
        }
        var members: [(key: String, value: JSONValue)] = [
            ("event", .string("asked")), ("trial", .integer(trial.number)), ("params", .object(parameters)),
            ("time", .string(Timestamp.string(Date()))),
        ]
        if let owner = trial.owner {
            members += [("pid", .integer(Int(owner.processID))), ("host", .string(owner.host))]
        }
        return .object(members)
    }

    /// Whether the process `owner` names is known to be gone: on this host, and no such process.
    static func isGone(_ owner: TrialOwner) -> Bool {
        guard owner.host == TrialOwner.currentHost, owner.processID > 0 else { return false }
        return kill(owner.processID, 0) != 0 && errno == ESRCH
    }
}
