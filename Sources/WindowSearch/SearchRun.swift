import Foundation
import Sieve
import Study

/// A window search: a study (``Study/StudyStore``) whose objective is the sieve, run trial after
/// trial into a run directory that a kill at any instant cannot corrupt.
///
/// The directory holds:
/// - `run.json`: the history and its checksum, the settings and bounds, versions, the sampler's
///   seed, and the status (running, interrupted, complete);
/// - `study/`: the study store the sampler proposes from (its journal has times and process ids);
/// - `trials.journal`: one checksummed record per finished trial (``TrialOutcome``), without timings;
/// - `timings.journal`: how long each trial took;
/// - `trials/NNNNN/`: each trial's sieve sweep (``Sieve/SieveSweep``), survivors streamed chunk by chunk;
/// - `best.json`: the best trial so far, replaced atomically after every trial;
/// - `progress.json`: what a monitor needs, replaced after every trial and every few seconds;
/// - `search.log` (rotating) and `run.lock`.
///
/// A trial's record is journaled before the study is told, and both are reconciled when a run
/// reopens: the study proposes trial n from trials 0 ..< n alone, so a resumed run proposes, sieves
/// and records exactly what an uninterrupted one would have.
public final class SearchRun {
    /// What the search reports while it runs.
    public enum Event: Sendable {
        /// A trial starts (or resumes, when its sweep had begun before a kill).
        case trialStarted(trial: Int, parameters: TrialParameters, resumed: Bool)
        /// The current trial's sieve completed a chunk.
        case sieveProgress(trial: Int, progress: SieveSweep.Progress)
        /// A trial finished; `best` is the best trial so far.
        case trialFinished(TrialOutcome, best: TrialOutcome?)
    }

    /// How a call to ``run(observer:shouldStop:)`` ended.
    public enum Ending: Sendable {
        case complete
        /// Stopped on request after a completed chunk; resuming continues the current trial.
        case interrupted
    }

    public let directory: String
    public let settings: SearchSettings
    /// The history with every entry (no session filter).
    public let history: DrawHistory
    public let shape: HistoryShape
    public var backend: SieveBackend
    /// The finished trials, in order.
    public private(set) var outcomes: [TrialOutcome]

    private let lock: RunLock
    private let store: StudyStore
    private let journal: RecordJournal
    private let timings: RecordJournal
    private let log: RunLog
    private let created: String
    private var filtered: [String: (history: DrawHistory, residues: [UInt32])] = [:]
    private var progress: ProgressTracker

    // MARK: - Opening

    /// Starts a new search in `directory`, or, with `resume`, continues the one there (which must
    /// have been started with the same settings).
    ///
    /// - Throws: ``Sieve/InputError``: `runExists` when the directory holds a run and `resume` is
    ///   off; `outputDirectoryMismatch` when it holds another run, or files that are not a run;
    ///   `runBusy` when another process runs it.
    public static func start(directory: String, settings: SearchSettings, history: DrawHistory, resume: Bool,
                             backend: SieveBackend = CPUSieveBackend()) throws(InputError) -> SearchRun {
        let manager = FileManager.default
        let runPath = (directory as NSString).appendingPathComponent(RunFiles.run)
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw InputError(.outputDirectoryMismatch, source: directory, problem: "is a file, not a directory",
                                 fix: "give --out a new directory")
            }
            guard manager.fileExists(atPath: runPath) || RunFiles.isEffectivelyEmpty(directory) else {
                throw InputError(.outputDirectoryMismatch, source: directory, problem: "is not empty and holds no search run",
                                 fix: "give --out a new or empty directory")
            }
        } else {
            do { try manager.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                throw InputError(.unwritableFile, source: directory, problem: "cannot create the directory",
                                 fix: "check that its parent is writable")
            }
        }
        // Decide under the lock: another process may have started the run in between.
        let lock = try RunLock(directory: directory)
        if manager.fileExists(atPath: runPath) {
            guard resume else {
                throw InputError(.runExists, source: directory, problem: "already holds a search run",
                                 fix: "continue it with `optimize resume \(directory)` (or add --resume), or give --out a new directory")
            }
            let existing = try readSettings(directory: directory)
            let differences = existing.differences(from: settings)
            guard differences.isEmpty else {
                throw InputError(.outputDirectoryMismatch, source: directory,
                                 problem: "holds a search with other \(differences.joined(separator: ", "))",
                                 fix: "repeat that search's exact options to resume it, use `optimize resume \(directory)`, or give --out a new directory")
            }
            return try SearchRun(directory: directory, settings: existing, history: history, backend: backend, lock: lock)
        }
        let shape = HistoryShape(history: history)
        let json = settings.runJSON(status: "running", created: Timestamp.now(), shape: shape, history: history)
        try AtomicFile.write(PrettyJSON.file(json), to: URL(fileURLWithPath: runPath))
        return try SearchRun(directory: directory, settings: settings, history: history, backend: backend, lock: lock)
    }

    /// Reopens the run in `directory` to continue it. The history is read from `historyPath`
    /// (default: where the run found it) and must be the same file.
    public static func resume(directory: String, historyPath: String? = nil,
                              backend: SieveBackend = CPUSieveBackend()) throws(InputError) -> SearchRun {
        let settings = try readSettings(directory: directory)
        let path = historyPath ?? settings.historyPath
        let history: DrawHistory
        do {
            history = try DrawHistory.load(path: path, format: settings.historyFormat, newestFirst: settings.newestFirst)
        } catch where error.kind == .unreadableFile && historyPath == nil {
            throw InputError(.unreadableFile, source: path, problem: "the run's draw history cannot be read (\(error.problem))",
                             fix: "give its new place with --draws FILE")
        }
        return try SearchRun(directory: directory, settings: settings, history: history, backend: backend)
    }

    /// Reads a run's settings from its `run.json`.
    public static func readSettings(directory: String) throws(InputError) -> SearchSettings {
        let json = try readRunJSON(directory: directory)
        return try SearchSettings(runJSON: json, source: (directory as NSString).appendingPathComponent(RunFiles.run))
    }

    /// Reads a run's `run.json`.
    public static func readRunJSON(directory: String) throws(InputError) -> JSONValue {
        let path = (directory as NSString).appendingPathComponent(RunFiles.run)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError(.invalidRun, source: directory, problem: "no such directory",
                             fix: "give the --out directory of an `optimize search`")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(.invalidRun, source: directory, problem: "is not a search run (it has no \(RunFiles.run))",
                             fix: "give the --out directory of an `optimize search`")
        }
        do { return try JSONValue.parseOrdered(data) } catch {
            throw InputError(.invalidRun, source: path, problem: "is not valid JSON",
                             fix: "restore run.json; optimize writes it when a search starts")
        }
    }

    private convenience init(directory: String, settings: SearchSettings, history: DrawHistory, backend: SieveBackend) throws(InputError) {
        let lock = try RunLock(directory: directory)
        try self.init(directory: directory, settings: settings, history: history, backend: backend, lock: lock)
    }

    private init(directory: String, settings: SearchSettings, history: DrawHistory, backend: SieveBackend, lock: RunLock) throws(InputError) {
        guard history.checksum == settings.historyChecksum else {
            throw InputError(.outputDirectoryMismatch, source: history.source,
                             problem: "differs from the history the run started with (SHA-256 \(history.checksum.prefix(12))…, not \(settings.historyChecksum.prefix(12))…)",
                             fix: "give the run's own history file, unchanged")
        }
        self.directory = directory
        self.settings = settings
        self.history = history
        self.shape = HistoryShape(history: history)
        self.backend = backend
        self.lock = lock
        self.log = RunLog(directory: directory)
        let runJSON = try Self.readRunJSON(directory: directory)
        self.created = runJSON["created"]?.string ?? Timestamp.now()
        RunFiles.removeTemporaries(in: directory)

        // The study: opened, or created if a kill came before it was.
        let studyURL = URL(fileURLWithPath: directory).appendingPathComponent(RunFiles.study)
        let definition = StudyDefinition(space: settings.bounds.space, direction: .maximize, seed: settings.samplerSeed)
        if FileManager.default.fileExists(atPath: studyURL.appendingPathComponent(StudyStore.definitionFileName).path) {
            store = try StudyStore(opening: studyURL)
            guard store.definition.space == definition.space, store.definition.seed == definition.seed,
                  store.definition.direction == .maximize
            else {
                throw InputError(.invalidRun, source: studyURL.path, problem: "holds a study with another space or seed than run.json",
                                 fix: "restore the run directory as the search wrote it")
            }
        } else {
            RunFiles.removeTemporaries(in: studyURL.path)
            try? FileManager.default.removeItem(at: studyURL)
            store = try StudyStore.create(at: studyURL, definition: definition)
        }

        // The trial journal: every intact record, in order.
        let journalPath = (directory as NSString).appendingPathComponent(RunFiles.journal)
        let contents = RecordJournal.read(journalPath)
        if let damage = contents.damaged.first {
            throw InputError(.damagedOutputDirectory, source: "\(journalPath): line \(damage.line)",
                             problem: "the record is damaged (\(damage.problem)) and good records follow it",
                             fix: "restore the journal from a backup; `optimize summarize` still reads the other records")
        }
        var outcomes: [TrialOutcome] = []
        for (index, record) in contents.records.enumerated() {
            guard let outcome = TrialOutcome(json: record, bounds: settings.bounds), outcome.trial == index else {
                throw InputError(.damagedOutputDirectory, source: "\(journalPath): line \(index + 1)",
                                 problem: "is not the record of trial \(index)", fix: "restore the journal from a backup")
            }
            outcomes.append(outcome)
        }
        self.outcomes = outcomes
        journal = RecordJournal(path: journalPath)
        try journal.openForAppending(truncatingTo: contents.goodLength)
        let timingsPath = (directory as NSString).appendingPathComponent(RunFiles.timings)
        timings = RecordJournal(path: timingsPath)
        try timings.openForAppending(truncatingTo: RecordJournal.read(timingsPath).goodLength)
        progress = ProgressTracker(settings: settings, outcomes: outcomes,
                                   timings: RecordJournal.read(timingsPath).records)
        try reconcileStudy()
        if !outcomes.isEmpty { try writeBest() }
        try setStatus("running")
    }

    /// Brings the study in line with the journal: a trial recorded but not told (a kill between
    /// the two) is told now, from its record.
    private func reconcileStudy() throws(InputError) {
        let trials = try store.snapshot().trials
        let problem: String? =
            if trials.count < outcomes.count { "the study has \(trials.count) trials, the journal \(outcomes.count)" }
            else if trials.count > outcomes.count + 1 { "the study has trials the journal never recorded" }
            else { nil }
        if let problem {
            throw InputError(.damagedOutputDirectory, source: (directory as NSString).appendingPathComponent(RunFiles.study),
                             problem: problem, fix: "restore the run directory as the search wrote it")
        }
        for outcome in outcomes where trials[outcome.trial].state == .running {
            try tellStudy(outcome)
            log.write("trial \(outcome.trial): told the study from the journal (the previous process stopped in between)")
        }
    }

    private func tellStudy(_ outcome: TrialOutcome) throws(InputError) {
        switch outcome.state {
        case .complete: try store.tell(trial: outcome.trial, value: outcome.score ?? 0)
        case .pruned: try store.prune(trial: outcome.trial)
        case .failed: try store.fail(trial: outcome.trial)
        }
    }

    // MARK: - Running

    /// Runs trials until the run has its trial count, or `shouldStop` says to stop (checked
    /// between trials and after every chunk of a trial's sieve).
    public func run(observer: (Event) -> Void = { _ in }, shouldStop: () -> Bool = { false }) throws -> Ending {
        log.write("search in \(directory): \(outcomes.count) of \(settings.trials) trials finished, objective \(settings.objective)")
        while outcomes.count < settings.trials {
            if shouldStop() { return try interrupted() }
            let number = outcomes.count
            let snapshot = try store.snapshot()
            let record: TrialRecord
            var resumed = false
            if number < snapshot.trials.count {
                record = try store.reask(trial: number)  // asked before a stop or a kill: the same parameters
                resumed = true
            } else {
                record = try store.ask()
            }
            precondition(record.number == number, "the study hands out trials in order")
            let parameters = TrialParameters(record.parameters, bounds: settings.bounds)
            let started = Date()
            log.write("trial \(number) \(resumed ? "resumes" : "starts"): \(parameters.label)")
            observer(.trialStarted(trial: number, parameters: parameters, resumed: resumed))
            progress.trialStarted(number, parameters: parameters, at: started)
            try writeProgress(status: "running")
            guard let outcome = try evaluate(number, parameters, observer: observer, shouldStop: shouldStop) else {
                return try interrupted()
            }
            try journal.append(outcome.json)
            outcomes.append(outcome)
            let seconds = Date().timeIntervalSince(started)
            try timings.append(.object([
                ("trial", .integer(number)), ("seconds", .double(seconds)), ("resumed", .bool(resumed)),
                ("finished", .string(Timestamp.now())),
            ]))
            try tellStudy(outcome)
            try writeBest()
            progress.trialFinished(outcome, seconds: seconds)
            try writeProgress(status: outcomes.count == settings.trials ? "complete" : "running")
            log.write("trial \(number) \(outcome.state.rawValue.lowercased())" + describe(outcome) + String(format: " in %.1f s", seconds))
            observer(.trialFinished(outcome, best: best))
        }
        try setStatus("complete")
        try writeProgress(status: "complete")
        log.write("search complete: \(outcomes.count) trials" + (best.map { ", best trial \($0.trial)" } ?? ""))
        return .complete
    }

    private func interrupted() throws(InputError) -> Ending {
        try setStatus("interrupted")
        try writeProgress(status: "interrupted")
        log.write("stopped on request after \(outcomes.count) trials; `optimize resume \(directory)` continues")
        return .interrupted
    }

    private func describe(_ outcome: TrialOutcome) -> String {
        switch outcome.state {
        case .complete:
            let counts = outcome.counts.map { ": \($0.forward) forward, \($0.bidirectional) bidirectional" } ?? ""
            return counts + String(format: ", score %.4g", outcome.score ?? 0)
        case .pruned, .failed:
            return ": " + (outcome.reason ?? "")
        }
    }

    /// The best complete trial so far (the highest score; ties go to the older trial).
    public var best: TrialOutcome? { Self.best(of: outcomes) }

    public static func best(of outcomes: [TrialOutcome]) -> TrialOutcome? {
        var best: TrialOutcome?
        for outcome in outcomes where outcome.state == .complete {
            if let score = outcome.score, score > (best?.score ?? -.infinity) { best = outcome }
        }
        return best
    }

    // MARK: - One trial

    /// What a trial's parameters make of the sieve: a plan, or why none can run.
    public enum Preparation: Sendable {
        case ready(plan: SievePlan, history: DrawHistory, sieve: JSONValue)
        case infeasible(String)
    }

    /// The sieve a trial's parameters define, or the reason it cannot run.
    public func prepare(_ p: TrialParameters) throws(InputError) -> Preparation {
        guard p.skipMin <= p.skipMax else {
            return .infeasible("skip_min \(p.skipMin) is above skip_max \(p.skipMax): no skip to test")
        }
        let configuration = try settings.configuration(for: p.prng)
        let (filteredHistory, residues) = try filteredHistory(p.sessions)
        let parameters = SieveParameters(
            prng: configuration, modulus: settings.modulus, window: p.windowSize, offset: p.offset,
            skips: UInt32(p.skipMin)...UInt32(p.skipMax), burn: UInt64(p.burn),
            forwardThreshold: try Threshold(fraction: p.forwardThreshold, option: "forward_threshold"),
            reverseThreshold: try Threshold(fraction: p.reverseThreshold, option: "reverse_threshold"),
            reverseScope: settings.fullReverse ? .fullRange : .forwardSurvivors, referenceMode: settings.referenceMode)
        let plan: SievePlan
        do {
            plan = try SievePlan(parameters: parameters, residues: residues, source: "the history (sessions \(p.sessions))")
        } catch {
            return .infeasible("\(error.problem) (\(error.source))")
        }
        let sieve: JSONValue = .object([
            ("prng", .string(configuration.family.name)),
            ("prng_parameters", .object(configuration.parameters.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.unsigned($0.value)) })),
            ("modulus", .unsigned(settings.modulus)),
            ("window", .integer(p.windowSize)), ("offset", .integer(p.offset)),
            ("reverse_window", .integer(plan.reverseDraws.count)),
            ("skip_min", .integer(p.skipMin)), ("skip_max", .integer(p.skipMax)), ("burn", .integer(p.burn)),
            ("threshold", .string(p.forwardThreshold)), ("forward_min_matches", .integer(plan.forwardMinimum)),
            ("reverse_threshold", .string(p.reverseThreshold)), ("reverse_min_matches", plan.reverseMinimum.map { .integer($0) } ?? .null),
            ("reverse_scope", .string(settings.referenceMode ? "reference" : parameters.reverseScope.rawValue)),
            ("reference_mode", .bool(settings.referenceMode)),
            ("sessions", filteredHistory.sessions.map { .array($0.map { .string($0) }) } ?? .null),
            ("draws", .integer(filteredHistory.count)), ("dropped_by_session_filter", .integer(filteredHistory.droppedBySessionFilter)),
            ("seeds", .string(settings.seeds.description)), ("strategy", .string(plan.strategy.rawValue)),
        ])
        return .ready(plan: plan, history: filteredHistory, sieve: sieve)
    }

    /// The history a session choice keeps, and its residues.
    func filteredHistory(_ choice: String) throws(InputError) -> (DrawHistory, [UInt32]) {
        if let cached = filtered[choice] { return cached }
        let kept: DrawHistory
        if let sessions = HistoryShape.sessions(ofChoice: choice) {
            kept = try DrawHistory.load(path: history.source, format: settings.historyFormat, sessions: sessions,
                                        newestFirst: settings.newestFirst)
            guard kept.checksum == settings.historyChecksum else {
                throw InputError(.outputDirectoryMismatch, source: history.source, problem: "changed while the search ran",
                                 fix: "leave the history file unchanged until the search ends")
            }
        } else {
            kept = history
        }
        let entry = (kept, try kept.residues(modulus: settings.modulus))
        filtered[choice] = entry
        return entry
    }

    /// Runs trial `number`; `nil` when a stop was requested before its sieve finished.
    private func evaluate(_ number: Int, _ parameters: TrialParameters, observer: (Event) -> Void,
                          shouldStop: () -> Bool) throws -> TrialOutcome? {
        let objective = settings.objective.name
        let preparation = try prepare(parameters)
        guard case .ready(let plan, let trialHistory, let sieve) = preparation else {
            guard case .infeasible(let reason) = preparation else { preconditionFailure() }
            return TrialOutcome(trial: number, state: .pruned, parameters: parameters, sieve: nil, counts: nil, chance: nil,
                                significance: nil, objective: objective, score: nil, reason: "infeasible: " + reason,
                                survivorFile: nil, survivorBytes: nil, strongest: nil)
        }
        let relative = RunFiles.trialDirectory(number)
        let trialDirectory = (directory as NSString).appendingPathComponent(relative)
        try prepareTrialDirectory(trialDirectory)
        let sweep = SieveSweep(directory: trialDirectory, plan: plan, history: trialHistory, seeds: settings.seeds,
                               backend: backend, chunkSize: settings.chunkSize, chanceSampleSize: settings.chanceSampleSize)
        let ending: SieveSweep.Outcome
        do {
            ending = try sweep.run(
                progress: { chunk in
                    observer(.sieveProgress(trial: number, progress: chunk))
                    if progress.sieveProgress(chunk) { try? writeProgress(status: "running") }
                },
                shouldStop: shouldStop)
        } catch let error as InputError {
            throw error  // the disk or the directory: stop the run; a resume retries the trial
        } catch {
            return TrialOutcome(trial: number, state: .failed, parameters: parameters, sieve: sieve, counts: nil, chance: nil,
                                significance: nil, objective: objective, score: nil, reason: "the sieve failed: \(error)",
                                survivorFile: nil, survivorBytes: nil, strongest: nil)
        }
        guard case .complete(let summary) = ending else { return nil }
        let observed = summary.bidirectional ?? 0
        let significance = Significance(observed: observed, chance: summary.chance, level: settings.level)
        let survivorPath = (trialDirectory as NSString).appendingPathComponent(SieveSweep.survivorFileName)
        let strongest = try Self.strongest(path: survivorPath, length: summary.survivorBytes, referenceMode: settings.referenceMode)
        return TrialOutcome(
            trial: number, state: .complete, parameters: parameters, sieve: sieve,
            counts: .init(forward: summary.forward, reverse: summary.reverse, bidirectional: observed),
            chance: summary.chance.recordJSON, significance: significance, objective: objective,
            score: settings.objective.score(observed: observed, significance: significance), reason: nil,
            survivorFile: relative + "/" + SieveSweep.survivorFileName, survivorBytes: summary.survivorBytes, strongest: strongest)
    }

    /// A trial directory without a manifest holds nothing a sweep can resume (a kill came while it
    /// was being made): start it afresh.
    private func prepareTrialDirectory(_ path: String) throws(InputError) {
        let manager = FileManager.default
        let trials = (directory as NSString).appendingPathComponent(RunFiles.trials)
        do { try manager.createDirectory(atPath: trials, withIntermediateDirectories: true) } catch {
            throw InputError(.unwritableFile, source: trials, problem: "cannot create the directory", fix: "check that the run directory is writable")
        }
        guard manager.fileExists(atPath: path) else { return }
        RunFiles.removeTemporaries(in: path)
        if !manager.fileExists(atPath: (path as NSString).appendingPathComponent(SweepManifest.fileName)) {
            try? manager.removeItem(atPath: path)
        }
    }

    /// The bidirectional survivor with the most matches in a survivor file (ties: smallest seed).
    static func strongest(path: String, length: UInt64, referenceMode: Bool) throws -> ListedSurvivor? {
        var best: ListedSurvivor?
        try SurvivorFile.forEach(path: path, length: length) { record in
            guard record.passed.contains(.bidirectional) else { return true }
            let listed = ListedSurvivor(record, referenceMode: referenceMode)
            if let current = best {
                if listed.forwardMatches + listed.reverseMatches > current.forwardMatches + current.reverseMatches { best = listed }
            } else {
                best = listed
            }
            return true
        }
        return best
    }

    // MARK: - Files

    private func setStatus(_ status: String) throws(InputError) {
        let runPath = (directory as NSString).appendingPathComponent(RunFiles.run)
        let json = settings.runJSON(status: status, created: created, shape: shape, history: history)
        try AtomicFile.write(PrettyJSON.file(json), to: URL(fileURLWithPath: runPath))
    }

    private func writeBest() throws(InputError) {
        let json = BestFile.json(settings: settings, shape: shape, outcomes: outcomes)
        try AtomicFile.write(PrettyJSON.file(json), to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent(RunFiles.best)))
    }

    private func writeProgress(status: String) throws(InputError) {
        let json = progress.json(status: status, best: best)
        try AtomicFile.write(PrettyJSON.file(json), to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent(RunFiles.progress)))
    }
}
