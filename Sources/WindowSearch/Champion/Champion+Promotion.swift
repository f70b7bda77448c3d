import Foundation
import Sieve

extension Champion {
    /// The champion a search run's trial makes: its parameters, with the run's modulus, family
    /// parameters and semantics, and where it came from.
    ///
    /// - Parameters:
    ///   - run: the run's directory, as the user gave it (recorded as `origin.run`).
    ///   - trial: the trial to promote; nil for the run's best (``SearchRun/best(of:)``).
    ///   - name: the champion's name (checked with ``ChampionLoader/checkName(_:)``).
    /// - Throws: ``InputError``: `invalidRun` when `run` is not a readable run; `unknownTrial` when it
    ///   has no record of `trial`; `unpromotableTrial` for a pruned or failed trial, or a run without a
    ///   complete trial; `invalidOption` for a bad name.
    public static func promoting(run: String, trial: Int? = nil, name: String, at date: Date = Date()) throws(InputError) -> Champion {
        try ChampionLoader.checkName(name)
        let summary = try RunSummary.load(directory: run)
        let runFile = try RunFile.read(directory: run)
        let outcome: TrialOutcome
        if let trial {
            guard let found = summary.outcomes.first(where: { $0.trial == trial }) else {
                let recorded = summary.outcomes.map(\.trial)
                throw InputError(.unknownTrial, source: "--trial \(trial)",
                                 problem: "\(run) has no record of trial \(trial)"
                                    + (recorded.isEmpty ? " (it has no finished trial)" : " (its trials are \(recorded.first!)...\(recorded.last!))"),
                                 fix: "give a trial `optimize summarize \(run)` lists, or leave --trial out to promote the best")
            }
            guard found.state == .complete else {
                throw InputError(.unpromotableTrial, source: "--trial \(trial)",
                                 problem: "trial \(trial) of \(run) is \(found.state.rawValue.lowercased()) (\(found.reason ?? "no reason recorded")): it ran no sieve, so it has no result to promote",
                                 fix: "promote a complete trial (`optimize summarize \(run)` lists them), or leave --trial out to promote the best")
            }
            outcome = found
        } else {
            guard let best = SearchRun.best(of: summary.outcomes) else {
                throw InputError(.unpromotableTrial, source: run,
                                 problem: "has no complete trial (\(summary.outcomes.count) of \(summary.settings.trials) trials finished, none with a score)",
                                 fix: summary.outcomes.count < summary.settings.trials
                                    ? "let the search go on (`optimize resume \(run)`) until a trial completes, then promote"
                                    : "search again with other bounds; every trial of this run was pruned or failed")
            }
            outcome = best
        }
        let settings = summary.settings
        let configuration = Configuration(
            parameters: outcome.parameters, modulus: settings.modulus,
            // --param applies to the run's own family only (SearchSettings.configuration(for:)).
            prngParameters: outcome.parameters.prng == settings.prng ? settings.prngParameters : [:],
            referenceMode: settings.referenceMode, fullReverse: settings.fullReverse)
        let origin = Origin(
            run: run, trial: outcome.trial, historySHA256: settings.historyChecksum, history: settings.historyPath,
            family: settings.prng, seeds: settings.seeds.description, significance: outcome.significance.map(Origin.Evidence.init),
            toolVersion: runFile.versions.optimize, gitCommit: runFile.versions.gitCommit)
        let champion = Champion(name: name, configuration: configuration, origin: origin, promotedAt: Timestamp.withOffset(date))
        try champion.configuration.validate(source: "trial \(outcome.trial) of \(run)")
        return champion
    }
}
