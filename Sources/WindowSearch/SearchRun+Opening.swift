import Foundation
import Sieve
import Study

extension SearchRun {
    /// Starts a new search in `directory`, or, with `resume`, continues the one there (which must
    /// have been started with the same settings).
    ///
    /// - Throws: ``InputError``: the settings' own errors (bad bounds, sessions, families, seeds)
    ///   before any file is made; `runExists` when the directory holds a run and `resume` is
    ///   off; `outputDirectoryMismatch` when it holds another run, or files that are not a run;
    ///   `runBusy` when another process runs it.
    public static func start(directory: String, settings: SearchSettings, history: DrawHistory, resume: Bool,
                             backend: SieveBackend = CPUSieveBackend()) throws(InputError) -> SearchRun {
        // Every setting is checked before anything is written: a refused search leaves no
        // directory, no run.json and no study behind.
        let shape = HistoryShape(history: history)
        guard settings.historyChecksum == history.checksum else {
            throw InputError(.outputDirectoryMismatch, source: history.source, problem: "is not the history the settings were made for",
                             fix: "make the settings from this history")
        }
        try settings.validate(shape: shape, boundsSource: "the search bounds")
        let manager = FileManager.default
        let runPath = (directory as NSString).appendingPathComponent(RunFiles.run)
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw InputError(.outputDirectoryMismatch, source: directory, problem: "is a file, not a directory",
                                 fix: "give --out a new directory")
            }
        } else {
            // Every new directory's entry is made durable (its parent fsynced).
            try FileIO.makeDirectories(FilePath(directory))
        }
        // Decide under the lock: another process may have started the run in between, and a
        // directory that holds a stray file (a symlink, another tool's file) is not an empty one.
        let lock = try Self.lock(directory: directory)
        guard manager.fileExists(atPath: runPath) || RunFiles.isEffectivelyEmpty(directory) else {
            throw InputError(.outputDirectoryMismatch, source: directory, problem: "is not empty and holds no search run",
                             fix: "give --out a new or empty directory")
        }
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
        try RunFile(settings: settings, status: "running", created: Timestamp.now(), shape: shape, history: history)
            .write(directory: directory)
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
        try SearchSettings(runFile: try RunFile.read(directory: directory), source: FilePath(directory).appending(RunFile.fileName).string)
    }

    /// Takes the run's lock (`run.lock`), or refuses with `runBusy` when another process holds it.
    static func lock(directory: String) throws(InputError) -> DirectoryLock {
        try DirectoryLock(directory: FilePath(directory), name: RunFiles.lock, holder: "search run",
                          fix: "wait for it to finish, or stop it (Ctrl-C) and resume with `optimize resume \(directory)`")
    }

    convenience init(directory: String, settings: SearchSettings, history: DrawHistory, backend: SieveBackend) throws(InputError) {
        let lock = try Self.lock(directory: directory)
        try self.init(directory: directory, settings: settings, history: history, backend: backend, lock: lock)
    }

    /// The trial records of a journal, which must be trials 0, 1, 2, … in order.
    static func outcomes(in records: [JSONValue], path: String, bounds: SearchBounds) throws(InputError) -> [TrialOutcome] {
        let decoder = RunFileCoding.decoder(bounds: bounds)
        var outcomes: [TrialOutcome] = []
        for (index, record) in records.enumerated() {
            let place = "\(path): line \(index + 1)"
            let outcome = try decoder.decode(TrialOutcome.self, from: record, source: place, kind: .damagedOutputDirectory)
            guard outcome.trial == index else {
                throw InputError(.damagedOutputDirectory, source: place, problem: "holds trial \(outcome.trial) where trial \(index) belongs",
                                 fix: "restore the journal from a backup")
            }
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// Brings the study in line with the journal: a trial recorded but not told (a kill between
    /// the two) is told now, from its record.
    func reconcileStudy() throws(InputError) {
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
            logTrial(outcome.trial, "trial \(outcome.trial): told the study from the journal (the previous process stopped in between)")
        }
    }

    func tellStudy(_ outcome: TrialOutcome) throws(InputError) {
        switch outcome.state {
        case .complete: try store.tell(trial: outcome.trial, value: outcome.score ?? 0)
        case .pruned: try store.prune(trial: outcome.trial)
        case .failed: try store.fail(trial: outcome.trial)
        }
    }

}
