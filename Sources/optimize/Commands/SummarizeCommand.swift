import ArgumentParser
import Foundation
import Sieve
import Study
import WindowSearch

/// `optimize summarize DIR`: a search run's trials, best trial, top trials and chance against observed.
struct SummarizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summarize",
        abstract: "Summarize a window search: trials by state, the best trial and its survivors, the top trials, chance vs observed.",
        discussion: """
            Works on a running or killed run too. A damaged trial record is reported and skipped; an unreadable \
            trials/NNNNN/trial.json is reported by name (on standard error, and counted in the output: \
            "unreadable_trial_files" with --json), and the trial's journal record used.
            """)

    @Argument(help: "The run's directory (the --out of `optimize search`); none with --storage and --name.")
    var directory: String?

    @OptionGroup var shared: SharedRunOptions

    @Option(parsing: .unconditional, help: "How many of the best trials to list.")
    var top: Int = 10

    @Flag(help: "Print one JSON document.")
    var json = false

    func validate() throws {
        try validating { () throws(InputError) in
            guard top >= 0 else {
                throw InputError(.invalidOption, source: "--top", problem: "\(top) trials", fix: "give a count of at least 0")
            }
        }
    }

    func run() throws {
        try reportingErrors {
            try shared.withRun(directory: directory) { path, label in
                let summary = try RunSummary.load(directory: path)
                for (place, problem) in summary.skipped {
                    StandardError.write("warning: \(label)/\(place): \(problem); skipped")
                }
                for (place, problem) in summary.unreadableTrialFiles {
                    StandardError.write("warning: \(label)/\(place): \(problem); the journal's record is used")
                }
                if json {
                    print(try summary.json(top: top).prettyText)
                } else {
                    print(try text(summary, label: label))
                }
            }
        }
    }

    func text(_ summary: RunSummary, label directory: String) throws -> String {
        let settings = summary.settings
        var lines: [String] = []
        let states = TrialState.allCases.map { state in "\(summary.outcomes.filter { $0.state == state }.count) \(state.rawValue.lowercased())" }
        lines.append("run \(directory): \(summary.status), \(summary.outcomes.count) of \(settings.trials) trials (\(states.joined(separator: ", ")))")
        lines.append("  \(settings.prng) over \(settings.seeds), objective \(settings.objective), level \(String(format: "%.3g", settings.level)) (alpha \(settings.alpha))")
        if !summary.skipped.isEmpty {
            lines.append("  \(summary.skipped.count) damaged record(s) skipped")
        }
        if !summary.unreadableTrialFiles.isEmpty {
            lines.append("  \(summary.unreadableTrialFiles.count) unreadable trial file(s): "
                + summary.unreadableTrialFiles.map(\.place).joined(separator: ", "))
        }
        if let best = summary.best {
            lines.append("")
            lines += SearchSession.describe(best, settings: settings)
            let survivors = try summary.survivors(of: best, limit: 100)
            if !survivors.isEmpty {
                let total = best.counts?.bidirectional ?? survivors.count
                lines.append("  bidirectional survivors (\(survivors.count == total ? "all \(total)" : "first \(survivors.count) of \(total)")):")
                for s in survivors {
                    lines.append("    seed \(s.seed)  skip \(s.skip)  forward \(s.forwardMatches)  reverse \(s.reverseMatches)")
                }
            }
        } else {
            lines.append("no complete trial yet")
        }
        let ranked = summary.ranked.prefix(top)
        if !ranked.isEmpty {
            lines.append("")
            lines.append("top \(ranked.count):")
            var rows = [["trial", "score", "bidir", "chance", "forward", "window", "offset", "skips", "thresholds", "sessions", "prng"]]
            for t in ranked {
                let p = t.parameters
                rows.append([
                    "\(t.trial)", String(format: "%.4g", t.score ?? 0), "\(t.counts?.bidirectional ?? 0)",
                    t.chanceBidirectional.map { String(format: "%.3g", $0) } ?? "?", "\(t.counts?.forward ?? 0)",
                    "\(p.windowSize)", "\(p.offset)", "\(p.skipMin)...\(p.skipMax)", "\(p.forwardThreshold)/\(p.reverseThreshold)",
                    p.sessions.description, p.prng,
                ])
            }
            lines += TextTable.render(rows)
        }
        let chance = summary.chance
        if chance.trials > 0 {
            lines.append("")
            lines.append("chance vs observed over \(chance.trials) complete trials: \(chance.observedBidirectional) bidirectional survivors observed, "
                + "\(String(format: "%.4g", chance.expectedBidirectional)) expected by chance; \(chance.trialsClaimingSignificance) trial(s) claim significance")
        }
        for outcome in summary.outcomes where outcome.state != .complete {
            lines.append("trial \(outcome.trial) \(outcome.state.rawValue.lowercased()): \(outcome.reason ?? "")")
        }
        return lines.joined(separator: "\n")
    }
}
