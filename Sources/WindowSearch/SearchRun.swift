import Foundation
import Sieve
import Study

/// A window search: a study (``Study/StudyStore``) whose objective is the sieve, run trial after
/// trial into a run directory that a kill at any instant cannot corrupt.
///
/// The directory holds:
/// - `run.json`: the history (its path and SHA-256), the settings and bounds, versions (the tool's,
///   its git commit or null, the formats'), the sampler's seed, and the status (running,
///   interrupted, complete);
/// - `study/`: the study store the sampler proposes from (its journal has times and process ids);
/// - `trials.journal`: one checksummed record per finished trial (``TrialOutcome``), without timings
///   (a ``Sieve/Journal``);
/// - `timings.journal`: how long each trial took;
/// - `trials/NNNNN/`: each trial's sieve sweep (``Sieve/SieveSweep``), survivors streamed chunk by chunk;
///   its record (`trial.json`, as the journal holds it) and its log lines (`trial.log`);
/// - `best.json`: the best trial so far, replaced atomically after every trial;
/// - `optimal_window_config.json` and `bidirectional_survivors.json`: the reference's best-so-far
///   files (docs/operations.md §1), written when the run is made and after every trial (the survivors
///   only when a trial becomes the best), with `optimize export`'s content;
/// - `progress.json`: what a monitor needs, replaced after every trial and every few seconds;
/// - `search.log` (rotating) and `run.lock`.
///
/// A trial's record is journaled before the study is told, and both are reconciled when a run
/// reopens: the study proposes trial n from trials 0 ..< n alone, so a resumed run proposes, sieves
/// and records exactly what an uninterrupted one would have.
///
/// Where things are: opening, locking and reconciling a run in `SearchRun+Opening.swift`; one
/// trial's sieve and score in `SearchRun+Trial.swift`; the files it keeps (run.json, best.json,
/// progress.json, the reference's files, the per-trial files) in `SearchRun+Files.swift`.
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
    public var history: DrawHistory { evaluator.history }
    public let shape: HistoryShape
    public var backend: SieveBackend {
        get { evaluator.backend }
        set { evaluator.backend = newValue }
    }
    /// Stops a trial's sieve between dispatches (``SieveSweep/cancellation``): the trial resumes.
    public var cancellation: Cancellation {
        get { evaluator.cancellation }
        set { evaluator.cancellation = newValue }
    }
    /// Each trial's sieve and score.
    let evaluator: TrialEvaluator
    /// The finished trials, in order.
    public private(set) var outcomes: [TrialOutcome]

    let lock: DirectoryLock
    let store: StudyStore
    /// `trials.journal`: one ``TrialOutcome`` per finished trial.
    let journal: Journal
    /// `timings.journal`: one ``TrialTiming`` per finished trial.
    let timings: Journal
    let log: RunLog
    let created: String
    var progress: ProgressTracker
    /// The current trial's log lines not yet in its `trial.log` (``logTrial(_:_:)``).
    var pendingTrialLog: (trial: Int, lines: [String])?

    /// Opens the run in `directory` under `lock`: reads its journals and reconciles its study.
    init(directory: String, settings: SearchSettings, history: DrawHistory, backend: SieveBackend, lock: DirectoryLock) throws(InputError) {
        guard history.checksum == settings.historyChecksum else {
            throw InputError(.outputDirectoryMismatch, source: history.source,
                             problem: "differs from the history the run started with (SHA-256 \(history.checksum.prefix(12))…, not \(settings.historyChecksum.prefix(12))…)",
                             fix: "give the run's own history file, unchanged")
        }
        self.directory = directory
        self.settings = settings
        self.evaluator = TrialEvaluator(directory: directory, settings: settings, history: history, backend: backend)
        self.shape = HistoryShape(history: history)
        self.lock = lock
        self.log = RunLog(directory: directory)
        try log.check()
        self.created = try RunFile.read(directory: directory).created
        RunFiles.removeTemporaries(in: directory)

        // The study: opened, or created if a kill came before it was.
        let studyURL = URL(fileURLWithPath: directory).appendingPathComponent(RunFiles.study)
        // The run's directories are its own: a symlink planted at `study` or `trials` is refused.
        for name in [RunFiles.study, RunFiles.trials] where FileIO.isSymbolicLink(FilePath(directory).appending(name)) {
            throw InputError(.unwritableFile, source: (directory as NSString).appendingPathComponent(name),
                             problem: "is a symbolic link, which optimize never follows when writing",
                             fix: "remove the link; restore the run's own directory")
        }
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
        let runDirectory = FilePath(directory)
        journal = try Journal(appendingTo: runDirectory.appending(RunFiles.journal), damage: .damagedOutputDirectory)
        outcomes = try Self.outcomes(in: journal.contents().records, path: journal.path.string, bounds: settings.bounds)
        timings = try Journal(appendingTo: runDirectory.appending(TrialTiming.fileName), damage: .damagedOutputDirectory)
        _ = try timings.contents()
        progress = ProgressTracker(settings: settings, outcomes: outcomes,
                                   durations: TrialTiming.durations(try TrialTiming.read(directory: runDirectory)))
        try reconcileTrialRecords()
        try reconcileStudy()
        if !outcomes.isEmpty { try writeBest() }
        try reconcileReferenceFiles()
        try setStatus("running")
    }

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
            logTrial(number, "trial \(number) \(resumed ? "resumes" : "starts"): \(parameters.label)")
            observer(.trialStarted(trial: number, parameters: parameters, resumed: resumed))
            progress.trialStarted(number, parameters: parameters, at: started)
            try writeProgress(status: "running")
            guard let outcome = try evaluate(number, parameters, observer: observer, shouldStop: shouldStop) else {
                return try interrupted()
            }
            let previousBest = best?.trial
            try journal.append(RunFileCoding.encoder.encode(outcome))
            outcomes.append(outcome)
            let seconds = Date().timeIntervalSince(started)
            try timings.append(RunFileCoding.encoder.encode(
                TrialTiming(trial: number, seconds: seconds, resumed: resumed, finished: Timestamp.now())))
            try tellStudy(outcome)
            try writeTrialRecord(outcome)
            try writeBest()
            try writeReferenceFiles(newBest: best?.trial != previousBest)
            progress.trialFinished(outcome, seconds: seconds)
            try writeProgress(status: outcomes.count == settings.trials ? "complete" : "running")
            logTrial(number, "trial \(number) \(outcome.state.rawValue.lowercased())" + describe(outcome) + String(format: " in %.1f s", seconds))
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

}
