import Foundation
import Sieve
import WindowSearch

extension SearchReport {
    /// Reads the run in `directory` into a report: every trial record that can be read, the
    /// timings, the history (for the best trial's window) and the champions promoted from it.
    /// What cannot be read is said in a banner; only a directory without a readable `run.json`
    /// is an error.
    ///
    /// - Parameters:
    ///   - directory: the run's directory.
    ///   - champions: the champions directory to look for champions promoted from this run.
    /// - Throws: ``InputError`` (`invalidRun`) when there is no readable run.
    public static func read(directory: String, champions: FilePath = FilePath("champions")) throws(InputError) -> SearchReport {
        let summary = try RunSummary.load(directory: directory)
        let settings = summary.settings
        var banners: [String] = []
        let owner = RunSnapshot.owner(of: directory)
        if owner.alive {
            banners.append("This search is running (process \(owner.pid.map(String.init) ?? "?")): the report shows the \(summary.outcomes.count) of \(settings.trials) trials finished when it was made.")
        } else if summary.status != "complete" || summary.outcomes.count < settings.trials {
            banners.append("This search stopped before it finished: \(summary.outcomes.count) of \(settings.trials) trials are recorded (`optimize resume \(directory)` goes on).")
        }
        for skipped in summary.skipped + summary.unreadableTrialFiles {
            banners.append("Damaged: \(skipped.place) \(skipped.problem); the report leaves it out.")
        }
        if summary.tornTail {
            banners.append("The journal ends in a torn record (a trial was being written when its process died); it is left out.")
        }

        let bounds = settings.bounds
        var fixed = Set<String>()
        if bounds.windowSize.isFixed { fixed.insert("window_size") }
        if bounds.offset.isFixed { fixed.insert("offset") }
        if bounds.burn.isFixed { fixed.insert("burn") }
        if bounds.skipMin.isFixed { fixed.insert("skip_min") }
        if bounds.skipMax.isFixed { fixed.insert("skip_max") }
        if bounds.forwardThreshold.low == bounds.forwardThreshold.high { fixed.insert("forward_threshold") }
        if bounds.reverseThreshold.low == bounds.reverseThreshold.high { fixed.insert("reverse_threshold") }
        if bounds.sessions.count < 2 { fixed.insert("sessions") }
        if bounds.prngs.count < 2 { fixed.insert("prng") }

        let rows = summary.outcomes.map(row)
        let segments = timeline(try TrialTiming.read(directory: FilePath(directory)))
        var report = SearchReport(
            title: "Search \((directory as NSString).lastPathComponent)", source: directory, rows: rows, segments: segments,
            level: settings.level, facts: facts(summary), banners: banners, fixed: fixed)
        if let best = summary.best, best.state == .complete {
            (report.window, report.windowNote) = window(of: best, settings: settings)
        }
        report.champions = promoted(from: directory, in: champions)
        return report
    }

    static func row(_ outcome: TrialOutcome) -> Row {
        let p = outcome.parameters
        return Row(trial: outcome.trial, state: outcome.state, score: outcome.score, claims: outcome.significance?.claims ?? false,
                   numeric: [("window_size", Double(p.windowSize)), ("offset", Double(p.offset)), ("burn", Double(p.burn)),
                             ("skip_min", Double(p.skipMin)), ("skip_max", Double(p.skipMax)),
                             ("forward_threshold", Double(p.forwardThreshold) ?? .nan),
                             ("reverse_threshold", Double(p.reverseThreshold) ?? .nan)],
                   categorical: [("sessions", p.sessions.description), ("prng", p.prng)],
                   observed: outcome.counts?.bidirectional, expected: outcome.chanceBidirectional)
    }

    /// The timings as stretches of time from the first one's start.
    static func timeline(_ timings: [TrialTiming]) -> [Segment] {
        let dated = timings.compactMap { timing in Timestamp.date(timing.finished).map { (timing, $0) } }
        guard let origin = dated.map({ $0.1.timeIntervalSinceReferenceDate - $0.0.seconds }).min() else { return [] }
        return dated.map { timing, finished in
            let end = finished.timeIntervalSinceReferenceDate - origin
            return Segment(trial: timing.trial, start: max(0, end - timing.seconds), end: end, resumed: timing.resumed)
        }
    }

    static func facts(_ summary: RunSummary) -> [(name: String, value: String)] {
        let settings = summary.settings
        let counts = TrialState.counts(in: summary.outcomes).map { "\($0.count) \($0.state.rawValue.lowercased())" }.joined(separator: ", ")
        var facts: [(name: String, value: String)] = [
            ("status", "\(summary.status): \(summary.outcomes.count) of \(settings.trials) trials (\(counts))"),
            ("history", "\(settings.historyFile) (SHA-256 \(settings.historyChecksum.prefix(12))…)"),
            ("family and modulus", "\(settings.prng), draws mod \(settings.modulus)"),
            ("seeds per trial", settings.seeds.description),
            ("significance level", "\(Markup.label(settings.level)) = −log10(α / trials), α = \(Markup.label(settings.alpha))"),
        ]
        let total = summary.durations.values.reduce(0, +)
        if total > 0 { facts.append(("time in trials", "\(Markup.label(total, digits: 3)) s")) }
        if let best = summary.best, let score = best.score {
            var line = "trial \(best.trial): score \(Markup.label(score)), \(best.parameters.label)"
            if let found = best.strongest { line += "; recovered seed \(found.seed) at skip \(found.skip)" }
            facts.append(("best trial", line))
        }
        return facts
    }

    /// The best trial's windows over the history it ran on, or why they cannot be drawn.
    static func window(of best: TrialOutcome, settings: SearchSettings) -> (Window?, String?) {
        let p = best.parameters
        let history: DrawHistory
        do {
            history = try DrawHistory.load(path: settings.historyPath, format: settings.historyFormat,
                                           sessions: p.sessions.names, newestFirst: settings.newestFirst)
        } catch {
            return (nil, "the history \(settings.historyPath) cannot be read (\(error.problem)): the window cannot be drawn")
        }
        guard history.checksum == settings.historyChecksum else {
            return (nil, "the history \(settings.historyPath) has changed since the search (its SHA-256 differs): the window is not drawn over it")
        }
        let draws = history.entries.map(\.value)
        let forward = p.offset..<min(draws.count, p.offset + p.windowSize)
        let reverseStart = p.offset - best.reverseWindow
        let reverse = settings.referenceMode || reverseStart < 0 ? nil : reverseStart..<p.offset
        var description = "Trial \(best.trial): \(p.windowSize) draws at offset \(p.offset)"
        if let reverse { description += ", reverse window draws \(reverse.lowerBound)..<\(reverse.upperBound)" }
        if let found = best.strongest {
            description += "; recovered seed \(found.seed) at skip \(found.skip) (forward \(found.forwardMatches)/\(p.windowSize), reverse \(found.reverseMatches)/\(best.reverseWindow) matches)."
        } else {
            description += "; no bidirectional survivor."
        }
        return (Window(trial: best.trial, draws: draws, forward: forward, reverse: reverse, description: description), nil)
    }

    /// The champions in `directory` whose origin is the run at `run`: name, trial, configuration, hash.
    static func promoted(from run: String, in directory: FilePath) -> [[String]] {
        guard let names = FileIO.directoryEntries(directory) else { return [] }
        let runPath = URL(fileURLWithPath: run).standardizedFileURL.path
        var rows: [[String]] = []
        for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let path = directory.appending(name)
            guard let bytes = try? FileIO.contents(of: path, followingLinks: false),
                  let champion = try? Champion(bytes: bytes, source: path.string) else { continue }
            guard URL(fileURLWithPath: champion.origin.run).standardizedFileURL.path == runPath else { continue }
            rows.append([champion.name, String(champion.origin.trial), champion.configuration.parameters.label,
                         String(champion.contentHash.prefix(12)) + "…"])
        }
        return rows
    }
}
