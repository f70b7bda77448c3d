import Foundation
import Sieve

extension SearchRun {
    /// Rewrites `run.json` with `status` (running, interrupted, complete).
    func setStatus(_ status: String) throws(InputError) {
        try RunFile(settings: settings, status: status, created: created, shape: shape, history: history).write(directory: directory)
    }

    /// Rewrites `best.json` from the finished trials, `last_updated` now.
    func writeBest() throws(InputError) {
        let file = BestFile(settings: settings, shape: shape, outcomes: outcomes, lastUpdated: Timestamp.withOffset(Date()))
        try RunFileCoding.write(file, to: FilePath(directory).appending(BestFile.fileName))
    }

    /// Rewrites `progress.json` as of now.
    func writeProgress(status: String) throws(InputError) {
        let file = progress.file(status: status, best: best)
        try RunFileCoding.write(file, to: FilePath(directory).appending(ProgressFile.fileName))
    }

    // MARK: - The reference's live files (docs/operations.md §1)

    /// Keeps `optimal_window_config.json` and `bidirectional_survivors.json` as of the finished
    /// trials: the survivors first, then the configuration that names their trial, so that a kill
    /// between the two is seen (and repaired) when the run reopens.
    ///
    /// - Parameter newBest: whether the last trial became the best (or, when reopening, whether
    ///   the survivors file may not be the best trial's): only then are the survivors replaced.
    func writeReferenceFiles(newBest: Bool) throws(InputError) {
        if newBest { try writeBestSurvivors() }
        let now = Timestamp.withOffset(Date())
        let config = try RunExport.windowConfig(settings: settings, shape: shape, outcomes: outcomes, created: created,
                                                lastUpdated: now, injected: now)
        try AtomicFile.write(config.fileBytes, to: FilePath(directory).appending(RunFiles.windowConfig))
    }

    /// Brings the reference files in line with the journal when the run opens: rewrites the
    /// configuration when it is missing or behind the finished trials, and the survivors too when
    /// they may not be the best trial's (missing, or the configuration, written after them, is
    /// missing or names another best trial). A run whose files are current is left as it is.
    func reconcileReferenceFiles() throws(InputError) {
        let run = FilePath(directory)
        let config = (try? FileIO.contents(of: run.appending(RunFiles.windowConfig), followingLinks: false))
            .flatMap { try? JSONReader.parse($0) }
        let survivorsCurrent = FileIO.size(of: run.appending(RunFiles.bestSurvivors)) != nil
            && config?["best_trial_number"] != nil && config?["best_trial_number"]?.integer == best?.trial
        let configCurrent = config?["completed_trials"]?.integer == outcomes.count
        if !survivorsCurrent || !configCurrent { try writeReferenceFiles(newBest: !survivorsCurrent) }
    }

    /// Replaces `bidirectional_survivors.json` with the best trial's bidirectional survivors (in
    /// `optimize export`'s records), or an empty list before any trial succeeded.
    private func writeBestSurvivors() throws(InputError) {
        let path = FilePath(directory).appending(RunFiles.bestSurvivors)
        guard let best, best.survivorFile != nil else {
            try AtomicFile.write(Array("[]\n".utf8), to: path)
            return
        }
        do {
            try RunExport.writeSurvivors(run: directory, settings: settings, trials: [best], shape: shape, to: path.string,
                                         kind: .bidirectional)
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError(.damagedOutputDirectory, source: path.string, problem: "cannot be written from trial \(best.trial)'s survivors: \(error)",
                             fix: "restore the trial's directory as the search wrote it")
        }
    }

    // MARK: - Per-trial files (docs/operations.md §3)

    /// The trial's directory, made (durably, never through a symlink) if a trial without a sweep
    /// (a pruned one) has none.
    func trialFilesDirectory(_ trial: Int) throws(InputError) -> FilePath {
        let run = FilePath(directory)
        _ = try FileIO.makeDirectory(run.appending(RunFiles.trials))
        let path = run.appending(RunFiles.trialDirectory(trial))
        _ = try FileIO.makeDirectory(path)
        return path
    }

    /// Writes `trials/NNNNN/trial.json`: the trial's record, encoded as its journal line is.
    func writeTrialRecord(_ outcome: TrialOutcome) throws(InputError) {
        let path = try trialFilesDirectory(outcome.trial).appending(RunFiles.trialRecord)
        try AtomicFile.write(try RunFileCoding.encoder.encode(outcome).fileBytes, to: path)
    }

    /// Writes the `trial.json` of every journaled trial whose file is missing or differs from its
    /// record (a kill between the journal and the file, or a run of a version without them).
    func reconcileTrialRecords() throws(InputError) {
        // Trials end one after another, each with its file: when the last one's is right, so are all.
        if let last = outcomes.last, try trialRecordIsWritten(last) { return }
        for outcome in outcomes where !(try trialRecordIsWritten(outcome)) {
            try writeTrialRecord(outcome)
        }
    }

    /// Whether the trial's `trial.json` holds its record.
    private func trialRecordIsWritten(_ outcome: TrialOutcome) throws(InputError) -> Bool {
        let path = FilePath(directory).appending(RunFiles.trialDirectory(outcome.trial)).appending(RunFiles.trialRecord)
        return (try? FileIO.contents(of: path, followingLinks: false)) == (try RunFileCoding.encoder.encode(outcome).fileBytes)
    }

    /// Writes `message` to the run's log and to trial `trial`'s `trial.log`. Until the trial's
    /// directory holds its sweep or its record (its sweep makes it, and refuses one that already
    /// holds other files), the trial's lines wait in memory.
    func logTrial(_ trial: Int, _ message: String) {
        let line = log.write(message)
        if pendingTrialLog?.trial != trial { pendingTrialLog = (trial, []) }
        pendingTrialLog?.lines.append(line)
        flushTrialLog(trial)
    }

    /// Appends the trial's waiting log lines to its `trial.log`, once its directory is ready.
    func flushTrialLog(_ trial: Int) {
        guard let pending = pendingTrialLog, pending.trial == trial, !pending.lines.isEmpty else { return }
        let path = FilePath(directory).appending(RunFiles.trialDirectory(trial))
        guard FileIO.size(of: path.appending(SweepManifest.fileName)) != nil || FileIO.size(of: path.appending(RunFiles.trialRecord)) != nil
        else { return }
        RunLog.append(pending.lines, to: path.appending(RunFiles.trialLog).string)
        pendingTrialLog = (trial, [])
    }
}
