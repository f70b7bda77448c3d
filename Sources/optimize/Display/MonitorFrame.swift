import Campaign
import Foundation
import Sieve
import WindowSearch

/// The monitor's screen at one instant: a header and a panel per run, as lines no wider than the
/// terminal (README, "Monitoring a run"). Pure: the same panels, time, width and capabilities give
/// the same lines, so tests check them without a terminal.
struct MonitorFrame {
    /// A line and the colour it is drawn in (when the terminal shows colour).
    struct Line: Equatable {
        var text: String
        var colour: TerminalCapabilities.Colour?

        init(_ text: String, _ colour: TerminalCapabilities.Colour? = nil) {
            self.text = text
            self.colour = colour
        }
    }

    let panels: [MonitorPanel]
    let now: Date
    let rules: WatcherRules
    let terminal: TerminalCapabilities
    /// Whether keys are read (the header says how to quit).
    let interactive: Bool
    let interval: Double

    /// The frame's lines, each cut to `width` columns (and coloured when allowed).
    func render(width: Int) -> [String] {
        lines().map { line in
            let fitted = terminal.fit(line.text, width: width)
            return line.colour.map { terminal.paint(fitted, $0) } ?? fitted
        }
    }

    /// The frame's lines before fitting.
    func lines() -> [Line] {
        var lines = [Line("optimize monitor  \(Timestamp.string(now))  \(panels.count) run\(panels.count == 1 ? "" : "s")"
                          + (interactive ? "  every \(String(format: "%g", interval)) s; q quits" : ""), .bold)]
        for panel in panels {
            lines.append(Line(""))
            switch panel {
            case .search(let snapshot, let verdict): lines += searchLines(snapshot, verdict)
            case .campaign(let view, let verdict): lines += campaignLines(view, verdict)
            case .unreadable(let directory, let problem):
                lines.append(Line("\(directory)  [NOT A SEARCH RUN]", .yellow))
                lines.append(Line("  \(problem)"))
            }
        }
        return lines
    }

    /// A campaign's panel (README, "Monitoring a run"): the watcher's verdict, cycles and seeds,
    /// pace, the cycle in progress, canary recall, candidates, hard negatives, the last 10 cycles.
    func campaignLines(_ view: CampaignView, _ verdict: Verdict) -> [Line] {
        let run = view.snapshot
        let report = view.report
        // The same rule as a search's: a cycle's seconds are its trial's (CampaignSnapshot), and
        // its activity includes the cycle's sweep journal while the cycle runs.
        let (stale, age, limit) = Self.staleness(run, now: now, rules: rules)
        let colour: TerminalCapabilities.Colour = switch verdict.action {
        case .proceed: .green
        case .wait: stale ? .red : .bold
        case .retry: .yellow
        case .escalate: .red
        }
        var lines = [Line("\(run.directory)  [\(stale ? "STALE, " : "")CAMPAIGN \(verdict.action.rawValue.uppercased()) "
                          + "\(String(format: "%.2f", verdict.confidence))]  \(verdict.reason)", colour)]
        if stale, let age {
            // "slowest cycle": of the last 10, as for a search's trials; shorter, to fit 80 columns.
            lines.append(Line("  STALE: no change for \(ProgressDisplay.duration(age)) (limit \(ProgressDisplay.duration(limit)): max(\(Self.number(rules.minimumStalenessSeconds)) s, \(Self.number(rules.stalenessFactor)) x slowest cycle))", .red))
        }
        for damage in run.damage.dropFirst() { lines.append(Line("  also damaged: \(damage.file): \(damage.problem)", .red)) }
        guard let campaign = run.campaign else { return lines }

        // Cycles, seeds and pace.
        let done = run.trials.count
        let seedsDone = Double(campaign.seedsDone(cycles: done)) ?? 0
        let seedsTotal = Double(campaign.seedsTotal) ?? 0
        let share = seedsTotal > 0 ? min(1, seedsDone / seedsTotal) : 0
        let rate = report?.recentSeedsPerSecond ?? report?.seedsPerSecond
        let seconds = run.trials.suffix(rules.recentTrials).compactMap(\.seconds)
        // Whole cycles (canary and candidates included) predict the rest better than the sieve's rate alone.
        let eta: String = if done >= campaign.cyclesTotal { "done" } else if !seconds.isEmpty {
            ProgressDisplay.duration(Double(campaign.cyclesTotal - done) * seconds.reduce(0, +) / Double(seconds.count))
        } else if let rate, rate > 0 { ProgressDisplay.duration((seedsTotal - seedsDone) / rate) } else { "?" }
        let owner = run.owner.alive ? "pid \(run.owner.pid.map(String.init) ?? "?") alive" : "no process"
        let updated = age.map { "updated \(ProgressDisplay.duration($0)) ago" } ?? "not updated yet"
        // Two lines: what a narrow terminal cuts is the process, not the progress.
        lines.append(Line("  cycles \(done)/\(campaign.cyclesTotal)  seeds \(ProgressDisplay.count(seedsDone))/\(ProgressDisplay.count(seedsTotal)) "
                          + "[\(terminal.bar(share, width: 10))]  \(rate.map { ProgressDisplay.count($0) } ?? "?") seeds/s  ETA \(eta)"))
        lines.append(Line("  \(run.runStatus), \(owner), \(updated)"))

        // The cycle in progress.
        if let current = view.inProgress {
            var text = "  cycle \(current.cycle): "
            if let total = current.seeds, total > 0 {
                let fraction = min(1, Double(current.swept) / Double(total))
                text += "[\(terminal.bar(fraction, width: 20))] \(String(format: "%5.1f", fraction * 100))% "
                    + "\(ProgressDisplay.count(Double(current.swept)))/\(ProgressDisplay.count(Double(total))) seeds swept"
            } else {
                text += "not started"
            }
            lines.append(Line(text))
        }

        // Canary recall: a miss means the sieve lost a seed it should have found.
        if let last = view.lastCycle {
            let found = last.canary.recall == 1
            // The planted seed last: it is long, and the verdict is what must survive a cut.
            lines.append(Line("  canary recall: recent \(Self.number(report?.recentCanaryRecall)); cycle \(last.cycle) "
                              + (found ? "found" : "MISSED (\(last.canary.placement))")
                              + ": skip \(last.canary.plantedSkip), seed \(last.canary.plantedSeed)", found ? nil : .red))
        } else {
            lines.append(Line("  canary recall: no cycle done yet"))
        }

        // Candidates and hard negatives.
        lines.append(Line("  candidates \(view.candidateCount)\(view.candidateCount > view.recentCandidates.count ? " (last \(view.recentCandidates.count))" : "")"
                          + "  hard negatives \(view.hardNegatives)", view.hardNegatives > 0 ? .red : view.candidateCount > 0 ? .green : nil))
        if !view.recentCandidates.isEmpty {
            var rows = [["    cycle", "seed", "skip", "matches", "log10 p"]]
            for candidate in view.recentCandidates {
                rows.append(["    \(candidate.cycle)", "\(candidate.seed)", "\(candidate.skip)", "\(candidate.matches)/\(candidate.draws)",
                             String(format: "%.2f", candidate.log10P)])
            }
            lines += TextTable.render(rows).map { Line($0) }
        }

        // The recent KPIs (the report's recent_* fields: its last 10 cycles).
        if let report, report.totalCycles > 0 {
            let window = min(report.totalCycles, ProgressReport.recentCycles)
            // Terse, to fit 80 columns: a cost is seconds per 2^32 seeds (h:mm:ss).
            lines.append(Line("  last \(window == 1 ? "cycle" : "\(window) cycles"): \(report.recentSeedsPerSecond.map { ProgressDisplay.count($0) } ?? "?") seeds/s, "
                              + "\(report.recentCostPer232SeedsS.map { ProgressDisplay.duration($0) } ?? "?") per 2^32, "
                              + "survivors \(Self.number(report.recentSurvivorsVsChance)) x chance"))
        }
        return lines
    }

    /// Whether the run is STALE: it says it is running, is not complete, and nothing changed for
    /// longer than max(3 minutes, 3 × the slowest of its last 10 trials) (``Watcher/staleAfter(_:rules:)``).
    static func staleness(_ run: RunSnapshot, now: Date, rules: WatcherRules) -> (stale: Bool, age: Double?, limit: Double) {
        let limit = Watcher.staleAfter(run, rules: rules)
        let age = run.lastActivity.map { now.timeIntervalSince($0) }
        let stale = run.runStatus == "running" && !run.isComplete && (age ?? 0) > limit
        return (stale, age, limit)
    }

    func searchLines(_ run: RunSnapshot, _ verdict: Verdict) -> [Line] {
        let (stale, age, limit) = Self.staleness(run, now: now, rules: rules)
        let colour: TerminalCapabilities.Colour = switch verdict.action {
        case .proceed: .green
        case .wait: stale ? .red : .bold
        case .retry: .yellow
        case .escalate: .red
        }
        let badge = stale ? "STALE, " : ""
        var lines = [Line("\(run.directory)  [\(badge)\(verdict.action.rawValue.uppercased()) \(String(format: "%.2f", verdict.confidence))]  \(verdict.reason)", colour)]
        if stale, let age {
            lines.append(Line("  STALE: no change for \(ProgressDisplay.duration(age)) (limit \(ProgressDisplay.duration(limit)): max(\(Self.number(rules.minimumStalenessSeconds)) s, \(Self.number(rules.stalenessFactor)) x slowest recent trial))", .red))
        }
        for damage in run.damage.dropFirst() { lines.append(Line("  also damaged: \(damage.file): \(damage.problem)", .red)) }

        // Trials and pace.
        let done = run.trials.count
        let share = run.totalTrials > 0 ? Double(done) / Double(run.totalTrials) : 0
        let timed = run.trials.compactMap(\.seconds)
        let mean = timed.isEmpty ? nil : timed.reduce(0, +) / Double(timed.count)
        let perHour = run.live?.trialsPerHour ?? mean.flatMap { $0 > 0 ? 3600 / $0 : nil }
        let eta: String = if run.isComplete { "done" } else if let seconds = run.live?.etaSeconds ?? mean.map({ Double(run.totalTrials - done) * $0 }) {
            ProgressDisplay.duration(seconds)
        } else { "?" }
        let owner = run.owner.alive ? "pid \(run.owner.pid.map(String.init) ?? "?") alive" : "no process"
        let updated = age.map { "updated \(ProgressDisplay.duration($0)) ago" } ?? "not updated yet"
        lines.append(Line("  trials \(done)/\(run.totalTrials) [\(terminal.bar(share, width: 10))]  "
                          + "\(perHour.map { Self.number($0) } ?? "?") trials/h  ETA \(eta)  \(run.runStatus), \(owner)  \(updated)"))

        // The best trial.
        if let best = run.best {
            let claim = best.claimsSignificance ? "SIGNIFICANT" : "not significant"
            lines.append(Line("  best trial \(best.trial): score \(Self.number(best.score))  p \(Self.pValue(best.pValue))  "
                              + "\(claim) (level \(Self.number(run.level)))", best.claimsSignificance ? .green : nil))
        } else {
            lines.append(Line("  best: no complete trial yet (level \(Self.number(run.level)))"))
        }

        // The trial in progress.
        if let live = run.live, let trial = live.currentTrial, !run.isComplete {
            var text = "  sieve trial \(trial): "
            if let swept = live.seedsSwept, let total = live.seedsTotal, total > 0 {
                let fraction = min(1, swept / total)
                text += "[\(terminal.bar(fraction, width: 20))] \(String(format: "%5.1f", fraction * 100))% "
                    + "\(ProgressDisplay.count(swept))/\(ProgressDisplay.count(total)) seeds"
            } else {
                text += "starting"
            }
            if let rate = live.seedsPerSecond { text += ", \(ProgressDisplay.count(rate)) seeds/s" }
            if let seconds = live.currentSeconds { text += ", \(ProgressDisplay.duration(seconds)) in" }
            lines.append(Line(text))
        }

        // The last 10 trials.
        let recent = Array(run.trials.suffix(rules.recentTrials))
        if !recent.isEmpty {
            let scores = recent.compactMap(\.score)
            let survivors = recent.compactMap(\.bidirectional).reduce(0, +)
            let chance = recent.compactMap(\.expectedBidirectional).reduce(0, +)
            let seconds = recent.compactMap(\.seconds)
            var trend = 0
            if scores.count >= 2, let last = scores.last {
                let before = scores.dropLast().reduce(0, +) / Double(scores.count - 1)
                trend = last > before ? 1 : last < before ? -1 : 0
            }
            lines.append(Line("  last \(recent.count): mean score \(scores.isEmpty ? "none" : Self.number(scores.reduce(0, +) / Double(scores.count))) "
                              + "\(terminal.arrow(trend))  survivors \(survivors) vs \(Self.number(chance)) by chance  "
                              + "\(seconds.isEmpty ? "?" : Self.number(seconds.reduce(0, +) / Double(seconds.count))) s/trial"))
            var rows = [["  trial", "state", "score", "survivors", "chance", "seconds"]]
            for trial in recent {
                rows.append(["  \(trial.trial)", trial.state.rawValue, trial.score.map { Self.number($0) } ?? "-",
                             trial.bidirectional.map(String.init) ?? "-", trial.expectedBidirectional.map { Self.number($0) } ?? "-",
                             trial.seconds.map { Self.number($0) } ?? "-"])
            }
            lines += TextTable.render(rows).map { Line($0) }
        }
        return lines
    }

    /// Three significant digits (fixed point from 0.01 to 99999).
    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return value.map { "\($0)" } ?? "none" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 0.01 && magnitude < 100_000 {
            let digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3
            return String(format: "%.\(digits)f", value)
        }
        return String(format: "%.2e", value)
    }

    static func pValue(_ value: Double?) -> String {
        guard let value else { return "none" }
        return value >= 0.001 ? String(format: "%.3f", value) : String(format: "%.1e", value)
    }
}
