import Foundation
import Sieve
import Study

/// One trial's sieve and score: what a search run and a shared search's worker both do with a
/// trial's parameters, in a trial directory under `directory`.
///
/// It keeps the session-filtered histories it has loaded, so that trials with the same sessions
/// share them.
///
/// ```swift
/// let evaluator = TrialEvaluator(directory: run, settings: settings, history: history, backend: CPUSieveBackend())
/// let outcome = try evaluator.evaluate(7, parameters, onChunk: { _ in }, shouldStop: { false })
/// ```
public final class TrialEvaluator {
    public let directory: String
    public let settings: SearchSettings
    /// The history with every entry (no session filter).
    public let history: DrawHistory
    public var backend: SieveBackend
    /// Stops a trial's sieve between dispatches (``SieveSweep/cancellation``): the trial resumes.
    public var cancellation: Cancellation = .never
    var filtered: [SessionChoice: (history: DrawHistory, residues: [UInt32])] = [:]

    public init(directory: String, settings: SearchSettings, history: DrawHistory, backend: SieveBackend) {
        self.directory = directory
        self.settings = settings
        self.history = history
        self.backend = backend
    }

    /// What a trial's parameters make of the sieve: a plan, or why none can run.
    public enum Preparation: Sendable {
        case ready(plan: SievePlan, history: DrawHistory, sieve: TrialOutcome.Sieve)
        case infeasible(String)
    }

    /// The sieve a trial's parameters define, or the reason it cannot run.
    public func prepare(_ p: TrialParameters) throws(InputError) -> Preparation {
        guard p.skipMin <= p.skipMax else {
            return .infeasible("skip_min \(p.skipMin) is above skip_max \(p.skipMax): no skip to test")
        }
        let configuration = try settings.configuration(for: p.prng)
        let (filteredHistory, residues) = try filteredHistory(p.sessions)
        let parameters = try p.sieveParameters(configuration: configuration, modulus: settings.modulus,
                                               fullReverse: settings.fullReverse, referenceMode: settings.referenceMode)
        let plan: SievePlan
        do {
            plan = try SievePlan(parameters: parameters, residues: residues, source: "the history (sessions \(p.sessions))")
        } catch {
            return .infeasible("\(error.problem) (\(error.source))")
        }
        let sieve = TrialOutcome.Sieve(
            parameters: EffectiveSieveParameters(plan: plan), sessions: filteredHistory.sessions, draws: filteredHistory.count,
            droppedBySessionFilter: filteredHistory.droppedBySessionFilter, seeds: settings.seeds.description,
            strategy: plan.strategy.rawValue)
        return .ready(plan: plan, history: filteredHistory, sieve: sieve)
    }

    /// The history a session choice keeps, and its residues.
    func filteredHistory(_ choice: SessionChoice) throws(InputError) -> (DrawHistory, [UInt32]) {
        if let cached = filtered[choice] { return cached }
        let kept: DrawHistory
        if let sessions = choice.names {
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

    /// Runs trial `number` in `trials/NNNNN/` (resuming its sweep when one was begun there).
    ///
    /// - Parameters:
    ///   - onChunk: called after each chunk of the sieve, once the trial's directory exists.
    ///   - shouldStop: checked after each chunk.
    /// - Returns: the trial's record; `nil` when a stop was requested before its sieve finished.
    /// - Throws: ``InputError`` for the disk or the directory (a sieve's own failure is a failed trial).
    public func evaluate(_ number: Int, _ parameters: TrialParameters, onChunk: (SieveSweep.Progress) -> Void,
                         shouldStop: () -> Bool) throws -> TrialOutcome? {
        let objective = settings.objective.name
        let preparation = try prepare(parameters)
        let plan: SievePlan, trialHistory: DrawHistory, sieve: TrialOutcome.Sieve
        switch preparation {
        case .ready(let readyPlan, let readyHistory, let readySieve): (plan, trialHistory, sieve) = (readyPlan, readyHistory, readySieve)
        case .infeasible(let reason):
            return TrialOutcome(trial: number, parameters: parameters, objective: objective, result: .pruned(reason: "infeasible: " + reason))
        }
        let relative = RunFiles.trialDirectory(number)
        let trialDirectory = (directory as NSString).appendingPathComponent(relative)
        try prepareTrialDirectory(trialDirectory)
        let sweep = SieveSweep(directory: trialDirectory, plan: plan, history: trialHistory, seeds: settings.seeds,
                               backend: backend, chunkSize: settings.chunkSize, chanceSampleSize: settings.chanceSampleSize,
                               cancellation: cancellation)
        let ending: SieveSweep.Outcome
        do {
            ending = try sweep.run(
                progress: onChunk,
                shouldStop: shouldStop)
        } catch let error as InputError {
            throw error  // the disk or the directory: stop the run; a resume retries the trial
        } catch {
            return TrialOutcome(trial: number, parameters: parameters, objective: objective,
                                result: .failed(reason: "the sieve failed: \(error)"))
        }
        guard case .complete(let summary) = ending else { return nil }
        let observed = summary.bidirectional ?? 0
        let significance = Significance(observed: observed, chance: summary.chance, level: settings.level)
        let contents = try SweepContents(directory: trialDirectory)
        let strongest = try Self.strongest(contents, referenceMode: settings.referenceMode)
        let evaluation = TrialOutcome.Evaluation(
            sieve: sieve, counts: .init(forward: summary.forward, reverse: summary.reverse, bidirectional: observed),
            chance: summary.chance, significance: significance,
            score: settings.objective.score(observed: observed, significance: significance),
            survivors: .init(file: relative + "/" + SieveSweep.survivorFileName, bytes: summary.survivorBytes,
                             recordSize: SurvivorRecord.encodedSize),
            strongest: strongest)
        return TrialOutcome(trial: number, parameters: parameters, objective: objective, result: .complete(evaluation))
    }

    /// A trial directory without a manifest holds nothing a sweep can resume (a kill came while it
    /// was being made): start it afresh.
    private func prepareTrialDirectory(_ path: String) throws(InputError) {
        let manager = FileManager.default
        let trials = (directory as NSString).appendingPathComponent(RunFiles.trials)
        // Made durably, and never through a symlink planted at `trials` or at the trial's name.
        try FileIO.makeDirectory(FilePath(trials))
        if FileIO.isSymbolicLink(FilePath(path)) {
            throw InputError(.unwritableFile, source: path, problem: "is a symbolic link, which optimize never follows when writing",
                             fix: "remove the link; optimize creates the trial's directory itself")
        }
        guard manager.fileExists(atPath: path) else { return }
        RunFiles.removeTemporaries(in: path)
        if !manager.fileExists(atPath: (path as NSString).appendingPathComponent(SweepManifest.fileName)) {
            try? manager.removeItem(atPath: path)
        }
    }

    /// The bidirectional survivor with the most matches in a survivor file (ties: smallest seed).
    static func strongest(_ contents: SweepContents, referenceMode: Bool) throws -> ListedSurvivor? {
        var best: ListedSurvivor?
        try contents.forEach { record in
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

}
