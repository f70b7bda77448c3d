import Foundation
import Sieve
import WindowSearch

extension SharedSearch {
    /// Writes the search as a run directory holds it, so that every reader of runs (summarize,
    /// status, monitor, report, export) reads a shared search as it reads a directory.
    ///
    /// The directory gets `run.json` (status `complete` once every trial is finished, else
    /// `running`), `trials.journal` and `timings.journal` with the finished trials up to the first
    /// unfinished one (a run's journal holds trials in order), `best.json`, and each of those
    /// trials' `trials/NNNNN/`: its files from the database when they were kept there, else from
    /// the worker's directory when it is on this machine, else its `trial.json` alone (and
    /// `missing` lists the trials whose survivors are elsewhere).
    ///
    /// - Parameter directory: a new, empty directory.
    /// - Returns: the trials whose files are only on another machine, with where they are.
    @discardableResult
    public func writeRunDirectory(at directory: String) throws(InputError) -> [(trial: Int, host: String, directory: String)] {
        let trials = try trials(files: true)
        let records = Self.finishedPrefix(trials)
        let complete = trials.count >= settings.trials && trials.allSatisfy { $0.record != nil }
        let run = FilePath(directory)
        try FileIO.makeDirectories(run)
        let status = complete ? "complete" : "running"
        try AtomicFile.write(try RunFileCoding.encoder.encode(runFile.withStatus(status)).fileBytes, to: run.appending(RunFile.fileName))
        let journal = try Journal(appendingTo: run.appending(RunFiles.journal), damage: .damagedOutputDirectory)
        let timings = try Journal(appendingTo: run.appending(TrialTiming.fileName), damage: .damagedOutputDirectory)
        var missing: [(trial: Int, host: String, directory: String)] = []
        let host = TrialOwner.currentHost
        for (record, trial) in zip(records, trials) {
            let outcome = record.outcome
            try journal.append(RunFileCoding.encoder.encode(outcome))
            try timings.append(RunFileCoding.encoder.encode(TrialTiming(
                trial: outcome.trial, seconds: record.seconds, resumed: record.resumed,
                finished: Timestamp.string(trial.row.trial.finishedAt ?? Date()))))
            let trialDirectory = run.appending(RunFiles.trialDirectory(outcome.trial))
            let local = FilePath(record.directory).appending(RunFiles.trialDirectory(outcome.trial))
            if let packed = trial.row.attachment {
                try TrialFiles.unpack(packed, into: trialDirectory.string, source: "\(source): trial \(outcome.trial)")
            } else if outcome.state == .complete, record.host == host, let packed = TrialFiles.pack(directory: local.string, limit: .max) {
                try TrialFiles.unpack(packed, into: trialDirectory.string, source: local.string)
            } else {
                try FileIO.makeDirectories(trialDirectory)
                if outcome.state == .complete { missing.append((outcome.trial, record.host, local.string)) }
            }
            try RunFileCoding.write(outcome, to: trialDirectory.appending(RunFiles.trialRecord))
        }
        let shape = HistoryShape(runFile: runFile.history)
        let best = BestFile(settings: settings, shape: shape, outcomes: records.map(\.outcome), lastUpdated: Timestamp.withOffset(Date()))
        try RunFileCoding.write(best, to: run.appending(BestFile.fileName))
        return missing
    }
}
