import ArgumentParser
import Foundation
import Sieve
import Study
import WindowSearch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a search with progress on standard error and prints its result: shared by `search` and `resume`.
enum SearchSession {
    static func run(_ search: SearchRun, json: Bool, stop: SignalStop) throws {
        let display = SearchDisplay(total: search.settings.trials, finished: search.outcomes.count, best: search.best)
        search.cancellation = stop.cancellation
        let ending = try search.run(observer: display.handle, shouldStop: { stop.requested })
        display.finish()
        switch ending {
        case .interrupted:
            StandardError.write("interrupted after \(search.outcomes.count) of \(search.settings.trials) trials; `optimize resume \(search.directory)` continues")
            throw ExitCode(stop.exitStatus)
        case .complete:
            if json {
                let data = FileManager.default.contents(atPath: (search.directory as NSString).appendingPathComponent(RunFiles.best)) ?? Data()
                print(String(decoding: data, as: UTF8.self), terminator: "")
            } else {
                print(SearchSession.text(search))
            }
        }
    }

    static func text(_ search: SearchRun) -> String {
        text(outcomes: search.outcomes, settings: search.settings, place: search.directory, run: search.directory)
    }

    /// The lines a finished search prints: its trials by state, then the best trial.
    ///
    /// - Parameters:
    ///   - place: where the search is (a directory, or a database).
    ///   - run: how the report commands name it (`DIR`, or `--storage URL --name NAME`).
    static func text(outcomes: [TrialOutcome], settings: SearchSettings, place: String, run: String) -> String {
        let counts = TrialState.allCases.map { state in "\(outcomes.filter { $0.state == state }.count) \(state.rawValue.lowercased())" }
        var lines = ["search complete: \(outcomes.count) trials (\(counts.joined(separator: ", "))) in \(place)"]
        guard let best = SearchRun.best(of: outcomes) else {
            lines.append("no trial completed: see `optimize summarize \(run)`")
            return lines.joined(separator: "\n")
        }
        lines += describe(best, settings: settings)
        lines.append("reports: optimize summarize \(run); reference files: optimize export \(run)")
        return lines.joined(separator: "\n")
    }

    /// The lines that describe the best trial and what it recovered.
    static func describe(_ best: TrialOutcome, settings: SearchSettings) -> [String] {
        let p = best.parameters
        var lines: [String] = []
        let score = String(format: "%.4g", best.score ?? 0)
        if let s = best.significance {
            let claim = s.claims
                ? "claims significance (level \(String(format: "%.3g", s.level)))"
                : "does not claim significance (level \(String(format: "%.3g", s.level)))"
            lines.append("best trial \(best.trial): score \(score), p = \(String(format: "%.3g", s.pValue)), \(claim)")
        } else {
            lines.append("best trial \(best.trial): score \(score)")
        }
        let reverseWindow = best.reverseWindow
        let placement = settings.referenceMode
            ? "window: \(p.windowSize) draws at offset \(p.offset) (reference mode)"
            : "window: \(p.windowSize) draws at offset \(p.offset) (draws \(p.offset)..<\(p.offset + p.windowSize)), reverse window draws \(p.offset - reverseWindow)..<\(p.offset)"
        lines.append("  \(placement), sessions \(p.sessions), burn-in \(p.burn)")
        lines.append("  skips \(p.skipMin)...\(p.skipMax), thresholds forward \(p.forwardThreshold) reverse \(p.reverseThreshold), family \(p.prng)")
        if let counts = best.counts {
            let chance = best.chanceBidirectional.map { String(format: "%.3g", $0) } ?? "?"
            lines.append("  survivors: \(counts.forward) forward, \(counts.bidirectional) bidirectional (chance: \(chance))")
        }
        if let found = best.strongest {
            lines.append("recovered: seed \(found.seed), skip \(found.skip), window \(p.windowSize) at offset \(p.offset) "
                + "(forward \(found.forwardMatches)/\(p.windowSize), reverse \(found.reverseMatches)/\(reverseWindow) matches)")
        }
        return lines
    }
}
