import Foundation
import Sieve

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a watcher knows of a run directory at one instant: the facts ``Watcher`` decides from,
/// read from the run's files (``read(directory:)``) or made by hand (tests, replays).
///
/// Reading never changes the run: every file is opened read-only, the journals under a shared
/// lock, and the run's lock is only probed (see ``Owner``).
public struct RunSnapshot: Sendable {
    /// A finished trial, as the watcher sees it.
    public struct Trial: Sendable, Equatable {
        public var trial: Int
        public var state: TrialState
        /// −log10 p (complete trials).
        public var score: Double?
        /// Whether its p-value is below the run's level (α / trials, Bonferroni).
        public var claimsSignificance: Bool
        /// Seconds it took (summed over the processes that worked on it), when timed.
        public var seconds: Double?
        /// When it finished, when timed.
        public var finished: Date?
        /// Its bidirectional survivors (complete trials).
        public var bidirectional: Int?
        /// The bidirectional survivors chance alone would leave (the expectation its p-value is of).
        public var expectedBidirectional: Double?
        /// Its p-value (complete trials).
        public var pValue: Double?

        public init(trial: Int, state: TrialState, score: Double? = nil, claimsSignificance: Bool = false,
                    seconds: Double? = nil, finished: Date? = nil, bidirectional: Int? = nil,
                    expectedBidirectional: Double? = nil, pValue: Double? = nil) {
            self.trial = trial
            self.state = state
            self.score = score
            self.claimsSignificance = claimsSignificance
            self.seconds = seconds
            self.finished = finished
            self.bidirectional = bidirectional
            self.expectedBidirectional = expectedBidirectional
            self.pValue = pValue
        }
    }

    /// Whether a process holds the run's lock (`run.lock`): every writer of a run holds it for as
    /// long as it runs, and the kernel releases it when the process dies, however it dies.
    public struct Owner: Sendable, Equatable {
        /// A process holds the lock now.
        public var alive: Bool
        /// The process id the lock file names (the last holder's, when none holds it now).
        public var pid: Int?

        public init(alive: Bool, pid: Int? = nil) {
            self.alive = alive
            self.pid = pid
        }
    }

    /// A file that could not be read, or holds what a search never writes.
    public struct Damage: Sendable, Equatable {
        /// The file (relative to the run), e.g. `trials.journal`.
        public var file: String
        /// What is wrong, with the line or field when known.
        public var problem: String

        public init(file: String, problem: String) {
            self.file = file
            self.problem = problem
        }
    }

    /// What a campaign directory (`optimize campaign run`) adds: its cycles are ``trials``, and
    /// these facts decide its verdict (``Watcher``'s campaign rules).
    public struct Campaign: Sendable, Equatable {
        /// The cycles of the campaign's whole range.
        public var cyclesTotal: Int
        /// Seeds and candidates of each finished cycle, in order (as its record has them).
        public var cycleSeeds: [UInt64]
        public var cycleCandidates: [Int]
        /// The cycles whose canary was missed (`hard_bank.txt`'s cycles), ascending.
        public var missedCanaries: [Int]
        /// The command that runs and resumes the campaign (from `campaign.json`).
        public var command: String
        /// Seeds in the range, as a decimal.
        public var seedsTotal: String

        public init(cyclesTotal: Int, cycleSeeds: [UInt64], cycleCandidates: [Int], missedCanaries: [Int], command: String,
                    seedsTotal: String) {
            self.cyclesTotal = cyclesTotal
            self.cycleSeeds = cycleSeeds
            self.cycleCandidates = cycleCandidates
            self.missedCanaries = missedCanaries
            self.command = command
            self.seedsTotal = seedsTotal
        }

        /// Seeds of the first `cycles` cycles, as a decimal.
        public func seedsDone(cycles: Int) -> String {
            String(cycleSeeds.prefix(cycles).reduce(UInt128(0)) { $0 + UInt128($1) })
        }

        /// Candidates of the first `cycles` cycles.
        public func candidates(cycles: Int) -> Int { cycleCandidates.prefix(cycles).reduce(0, +) }
    }

    /// What `progress.json` says of the run's pace and its trial in progress (``Live``).
    public struct Live: Sendable, Equatable {
        /// The trial being sieved, when one is.
        public var currentTrial: Int?
        /// Its sieve: seeds swept (within the chunk in progress too), of how many, and how fast.
        public var seedsSwept: Double?
        public var seedsTotal: Double?
        public var seedsPerSecond: Double?
        /// Seconds the trial in progress has run.
        public var currentSeconds: Double?
        public var trialsPerHour: Double?
        /// Seconds to the last trial, at the mean trial time.
        public var etaSeconds: Double?

        public init(currentTrial: Int? = nil, seedsSwept: Double? = nil, seedsTotal: Double? = nil, seedsPerSecond: Double? = nil,
                    currentSeconds: Double? = nil, trialsPerHour: Double? = nil, etaSeconds: Double? = nil) {
            self.currentTrial = currentTrial
            self.seedsSwept = seedsSwept
            self.seedsTotal = seedsTotal
            self.seedsPerSecond = seedsPerSecond
            self.currentSeconds = currentSeconds
            self.trialsPerHour = trialsPerHour
            self.etaSeconds = etaSeconds
        }

        /// The fields of a `progress.json` (``ProgressFile``); missing ones stay `nil`.
        public init(progressFile json: JSONValue) {
            func number(_ value: JSONValue?) -> Double? { value?.number ?? value?.string.flatMap { Double($0) } }
            let current = json["current_trial"]
            currentTrial = current?["trial"]?.integer
            seedsSwept = number(current?["seeds_swept"]) ?? number(current?["seeds_done"])
            seedsTotal = number(current?["seeds_total"])
            seedsPerSecond = number(current?["seeds_per_second"])
            currentSeconds = number(current?["elapsed_seconds"])
            trialsPerHour = number(json["trials_per_hour"])
            etaSeconds = number(json["eta_seconds"])
        }
    }

    public var directory: String
    /// A campaign's facts; nil for a search run.
    public var campaign: Campaign?
    /// `run.json`'s status: `running`, `interrupted` (stopped on request) or `complete`.
    public var runStatus: String
    public var totalTrials: Int
    /// The score above which a trial claims significance, −log10(α / trials).
    public var level: Double
    /// The finished trials, in order.
    public var trials: [Trial]
    /// `progress.json`'s `updated_at`.
    public var progressUpdated: Date?
    public var owner: Owner
    public var damage: [Damage]
    /// What `progress.json` says beyond its time (absent before the first trial starts).
    public var live: Live?

    public init(directory: String, runStatus: String, totalTrials: Int, level: Double, trials: [Trial],
                progressUpdated: Date?, owner: Owner, damage: [Damage] = []) {
        self.directory = directory
        self.runStatus = runStatus
        self.totalTrials = totalTrials
        self.level = level
        self.trials = trials
        self.progressUpdated = progressUpdated
        self.owner = owner
        self.damage = damage
    }

    /// Whether every trial is recorded.
    public var allTrialsRecorded: Bool { totalTrials > 0 && trials.count >= totalTrials }

    /// Whether the run is done: every trial recorded and `run.json` says complete (a process killed
    /// after the last record, before it rewrote best.json and run.json, left a run to resume).
    public var isComplete: Bool { allTrialsRecorded && runStatus == "complete" }

    /// The best complete trial (highest score; ties: the older).
    public var best: Trial? {
        var best: Trial?
        for trial in trials where trial.state == .complete {
            if let score = trial.score, score > (best?.score ?? -.infinity) { best = trial }
        }
        return best
    }

    /// The last time the run is known to have changed: progress.json's update or a trial's end.
    public var lastActivity: Date? {
        ([progressUpdated] + trials.map(\.finished)).compactMap { $0 }.max()
    }

    /// The run as it stood right after trial `index` finished: its first `index + 1` trials, its
    /// process at work (or done), its progress file written then.
    public func after(trial index: Int) -> RunSnapshot {
        var snapshot = self
        snapshot.trials = Array(trials.prefix(index + 1))
        snapshot.progressUpdated = trials[index].finished
        snapshot.runStatus = snapshot.allTrialsRecorded ? "complete" : "running"
        snapshot.owner = Owner(alive: !snapshot.isComplete, pid: owner.pid)
        return snapshot
    }

    // MARK: Reading a run

    /// Reads the run in `directory`. Damaged or unreadable files are not errors: they are listed
    /// in ``damage``, for the watcher to escalate.
    ///
    /// - Throws: ``InputError``: `invalidRun` when `directory` is not a directory or holds no
    ///   `run.json` (it is not a search run at all); `needsMigration` for journals of version 0.1.0.
    public static func read(directory: String) throws(InputError) -> RunSnapshot {
        let base = FilePath(directory)
        guard FileIO.isDirectory(base) else {
            throw InputError(.invalidRun, source: directory, problem: "no such directory",
                             fix: "give the --out directory of an `optimize search` or an `optimize campaign run`")
        }
        guard FileIO.size(of: base.appending(RunFiles.run)) != nil || FileIO.isSymbolicLink(base.appending(RunFiles.run)) else {
            throw InputError(.invalidRun, source: directory, problem: "is not a search run or a campaign (it has no \(RunFiles.run) or campaign.json)",
                             fix: "give the --out directory of an `optimize search` or an `optimize campaign run`")
        }
        var damage: [Damage] = []
        func note(_ file: String, _ error: InputError) throws(InputError) {
            // Files of an older version are bad input with a status and a fix of their own (migrate).
            if error.kind == .needsMigration { throw error }
            // The error names the full path; the file is named relative to the run.
            damage.append(Damage(file: file, problem: "\(error.source): \(error.problem)"))
        }

        var snapshot = RunSnapshot(directory: directory, runStatus: "unknown", totalTrials: 0, level: .infinity, trials: [],
                                   progressUpdated: nil, owner: owner(of: directory))
        let settings: SearchSettings
        do {
            let runFile = try RetryingRead.attempt { () throws(InputError) in try RunFile.read(directory: directory) }
            settings = try SearchSettings(runFile: runFile, source: base.appending(RunFiles.run).string)
            snapshot.runStatus = runFile.status
        } catch {
            try note(RunFiles.run, error)
            snapshot.damage = damage
            return snapshot
        }
        snapshot.totalTrials = settings.trials
        snapshot.level = settings.level

        var outcomes: [TrialOutcome] = []
        do {
            let path = base.appending(RunFiles.journal)
            let contents = try RetryingRead.attempt { () throws(InputError) in try Journal.read(path, damage: .damagedOutputDirectory) }
            outcomes = try SearchRun.outcomes(in: contents.records, path: path.string, bounds: settings.bounds)
            if outcomes.count > settings.trials {
                damage.append(Damage(file: RunFiles.journal, problem: "records \(outcomes.count) trials of a run of \(settings.trials)"))
            }
        } catch {
            try note(RunFiles.journal, error)
        }
        // The best trial's sweep: what a `proceed` hands on (its survivors, checked chunk by chunk
        // against their CRC-32s). Other trials' sweeps are not read (they may be large).
        if let best = SearchRun.best(of: outcomes), let file = best.survivorFile {
            let sweep = ((directory as NSString).appendingPathComponent(file) as NSString).deletingLastPathComponent
            do {
                try RetryingRead.attempt { () throws(InputError) in
                    try SweepContents(directory: sweep, promisedBytes: best.survivorBytes ?? 0,
                                      promisedBy: "trial \(best.trial)'s record in \(RunFiles.journal)", readingLegacy: true).verify()
                }
            } catch {
                try note(RunFiles.trialDirectory(best.trial), error)
            }
        }
        var timings: [TrialTiming] = []
        do { timings = try RetryingRead.attempt { () throws(InputError) in try TrialTiming.read(directory: base) } } catch {
            try note(RunFiles.timings, error)
        }
        let durations = TrialTiming.durations(timings)
        var finished: [Int: Date] = [:]
        for timing in timings { if let date = Timestamp.date(timing.finished) { finished[timing.trial] = date } }
        snapshot.trials = outcomes.map { outcome in
            Trial(trial: outcome.trial, state: outcome.state, score: outcome.score,
                  claimsSignificance: outcome.significance?.claims ?? false,
                  seconds: durations[outcome.trial], finished: finished[outcome.trial], bidirectional: outcome.counts?.bidirectional,
                  expectedBidirectional: outcome.significance?.expected, pValue: outcome.significance?.pValue)
        }

        do throws(InputError) {
            (snapshot.progressUpdated, snapshot.live) = try readProgress(directory: directory)
        } catch {
            try note(RunFiles.progress, error)
        }
        do throws(InputError) {
            _ = try RetryingRead.json(FilePath(directory).appending(RunFiles.best), file: RunFiles.best)
        } catch {
            try note(RunFiles.best, error)
        }
        snapshot.damage = damage
        return snapshot
    }

    /// What a run's replaced files say: `progress.json` (absent before the first trial starts; when
    /// there, a progress file with its time) and `best.json` (rewritten after every trial: a kill
    /// may leave it a trial behind, never torn). Each is read through ``RetryingRead``, so a file
    /// being replaced never shows as damage.
    ///
    /// - Throws: ``InputError`` `damagedOutputDirectory` whose source is the file's name
    ///   (`progress.json`, `best.json`) when one stays unreadable, invalid or without its time.
    public static func readLiveFiles(directory: String) throws(InputError) -> (progressUpdated: Date?, live: Live?, best: JSONValue?) {
        let (updated, live) = try readProgress(directory: directory)
        let best = try RetryingRead.json(FilePath(directory).appending(RunFiles.best), file: RunFiles.best)
        return (updated, live, best)
    }

    /// `progress.json`'s time and ``Live`` fields, `nil` when there is none (see ``readLiveFiles(directory:)``).
    static func readProgress(directory: String) throws(InputError) -> (Date?, Live?) {
        guard let json = try RetryingRead.json(FilePath(directory).appending(RunFiles.progress), file: RunFiles.progress) else {
            return (nil, nil)
        }
        guard let text = json["updated_at"]?.string, let date = Timestamp.date(text) else {
            throw InputError(.damagedOutputDirectory, source: RunFiles.progress,
                             problem: "has no updated_at time", fix: "resume the run: it rewrites the file")
        }
        return (date, Live(progressFile: json))
    }

    /// Whether a process holds `run.lock` (or `lockName`): probed with a shared, non-blocking `flock` on the file
    /// opened read-only (released at once; the file is never written).
    public static func owner(of directory: String, lockName: String = RunFiles.lock) -> Owner {
        let path = FilePath(directory).appending(lockName)
        guard let descriptor = try? FileIO.openForReading(path) else { return Owner(alive: false) }
        defer { try? descriptor.close() }
        let pid = (try? FileIO.readAll(descriptor, path: path)).flatMap {
            Int(String(decoding: $0.prefix(20).filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }, as: UTF8.self))
        }
        while flock(descriptor.rawValue, LOCK_SH | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            return Owner(alive: errno == EWOULDBLOCK, pid: pid)
        }
        flock(descriptor.rawValue, LOCK_UN)
        return Owner(alive: false, pid: pid)
    }
}
