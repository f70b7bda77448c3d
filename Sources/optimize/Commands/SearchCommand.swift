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

/// `optimize search`: the window search, a TPE study whose objective is the sieve.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search where in a history the evidence for a seed lives: window, offset, skips, thresholds, sessions.",
        discussion: """
            Each trial sieves --seeds with the window, offset, burn-in, skip range, thresholds, sessions \
            (and family) the sampler proposes, within the bounds of --config (defaults: the reference's, \
            fitted to the history). The default objective scores a trial by how far its bidirectional \
            survivors exceed chance: −log10 P(Poisson(λ) ≥ X); a trial claims significance when that \
            p-value is below --alpha divided by --trials. The bounds may list families other than \
            --prng to search; --param applies to --prng's family.

            Every trial is saved as it ends (trials.journal, best.json, the survivors of trials/NNNNN/), \
            and a killed search resumes (`optimize resume DIR`) to exactly the files an uninterrupted \
            one writes. Ctrl-C stops after the current chunk.
            """)

    @OptionGroup var history: HistoryFileOptions

    @OptionGroup var family: FamilyOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("The seeds every trial sieves: start..<end.", valueName: "range"))
    var seeds: String

    @Option(parsing: .unconditional, help: "Trials in the run.")
    var trials: Int = 50

    @Option(parsing: .unconditional, help: "The sampler's seed: the same seed, history and options give the same run.")
    var seed: String

    @Option(help: "The run's directory: created; an existing run is refused unless --resume.")
    var out: String

    @Option(help: ArgumentHelp("A JSON file of search bounds (see the README); entries left out keep their defaults.", valueName: "BOUNDS.json"))
    var config: String?

    @Option(help: "What a trial's score measures: significance, count (the reference's) or band (with --band).")
    var objective: Objective.Kind = .significance

    @Option(parsing: .unconditional, help: ArgumentHelp("The band of bidirectional counts for --objective band: low...high.", valueName: "low...high"))
    var band: String?

    @Option(parsing: .unconditional, help: "The family-wise error rate of significance claims over the run's trials.")
    var alpha: Double = 0.01

    @Option(parsing: .unconditional, help: "M: draws are outputs mod M, 2 ... 2^32.")
    var modulus: String = "1000"

    @OptionGroup var backendOptions: BackendOptions

    @Flag(help: "The reference system's semantics (offset as an o-step pre-advance, reverse = window backwards, float32 thresholds).")
    var referenceMode = false

    @Flag(help: "Test the reverse window over every seed, not only forward survivors (reports reverse-only survivors).")
    var fullReverse = false

    @Flag(help: "Continue the run in --out if there is one (with the same options), instead of refusing.")
    var resume = false

    @Flag(help: "Print best.json when the search ends, instead of text.")
    var json = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Seeds per journaled chunk of a trial's sieve (new runs only).", visibility: .hidden))
    var chunkSize: String = "262144"

    @Option(parsing: .unconditional, help: ArgumentHelp("Seeds of each trial's empirical chance calibration (new runs only).", visibility: .hidden))
    var chanceSample: String = "1048576"

    func validate() throws {
        try validating { () throws(InputError) in
            if objective == .band, band == nil {
                throw InputError(.invalidOption, source: "--band", problem: "missing for --objective band",
                                 fix: "give --band low...high, such as 1...10")
            }
            if band != nil, objective != .band {
                throw InputError(.invalidOption, source: "--band", problem: "given with --objective \(objective.rawValue)",
                                 fix: "add --objective band, or drop --band")
            }
        }
    }

    func run() throws {
        try reportingErrors {
            let stop = SignalStop()
            let loaded = try history.load()
            let selection = try backendOptions.select()
            var settings = try makeSettings(history: loaded)
            settings.backend = selection.name
            let search = try SearchRun.start(directory: out, settings: settings, history: loaded, resume: resume,
                                             backend: selection.backend)
            try SearchSession.run(search, json: json, stop: stop)
        }
    }

    func makeSettings(history loaded: DrawHistory) throws(InputError) -> SearchSettings {
        let generator = try family.configuration()
        let seedRange = try SeedRange.parse(seeds, family: generator.family)
        guard let samplerSeed = UnsignedIntegerText.parse(seed) else {
            throw InputError(.invalidOption, source: "--seed", problem: "'\(seed)' is not an unsigned integer",
                             fix: "give the sampler's seed as an integer, such as 7")
        }
        let objectiveValue = try Objective(kind: objective, band: band)
        let shape = HistoryShape(history: loaded)
        let defaults = SearchBounds.defaults(shape: shape, prng: generator.family.name, referenceMode: referenceMode)
        let bounds = try config.map { path throws(InputError) in try SearchBounds.load(path: path, over: defaults) } ?? defaults
        let chunk = try parseUnsignedInteger(chunkSize, option: "--chunk-size")
        let settings = SearchSettings(
            historyFile: history.draws, historyPath: URL(fileURLWithPath: history.draws).standardizedFileURL.path,
            historyFormat: history.drawsFormat, newestFirst: history.newestFirst, historyChecksum: loaded.checksum,
            prng: generator.family.name, prngParameters: try family.parameterValues(),
            modulus: try parseUnsignedInteger(modulus, option: "--modulus"), seeds: seedRange, referenceMode: referenceMode,
            fullReverse: fullReverse, backend: "cpu", objective: objectiveValue, alpha: alpha, trials: trials,
            samplerSeed: samplerSeed, chunkSize: chunk,
            chanceSampleSize: Int(clamping: try parseUnsignedInteger(chanceSample, option: "--chance-sample")), bounds: bounds)
        try settings.validate(shape: shape, boundsSource: config ?? "the default bounds")
        return settings
    }
}

/// Runs a search with progress on standard error and prints its result: shared by `search` and `resume`.
enum SearchSession {
    static func run(_ search: SearchRun, json: Bool, stop: SignalStop) throws {
        let display = SearchDisplay(total: search.settings.trials, finished: search.outcomes.count, best: search.best)
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
        let outcomes = search.outcomes
        let counts = TrialState.allCases.map { state in "\(outcomes.filter { $0.state == state }.count) \(state.rawValue.lowercased())" }
        var lines = ["search complete: \(outcomes.count) trials (\(counts.joined(separator: ", "))) in \(search.directory)"]
        guard let best = search.best else {
            lines.append("no trial completed: see `optimize summarize \(search.directory)`")
            return lines.joined(separator: "\n")
        }
        lines += describe(best, settings: search.settings)
        lines.append("reports: optimize summarize \(search.directory); reference files: optimize export \(search.directory)")
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

/// Shows a search's progress on standard error: on a terminal, one line redrawn in place (trial,
/// the trial's sieve, the best so far); otherwise a line per trial and every few seconds.
final class SearchDisplay {
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private let total: Int
    private var finished: Int
    private var best: TrialOutcome?
    private var current: (trial: Int, label: String, started: Date)?
    private var lastShown = Date.distantPast
    private var open = false

    init(total: Int, finished: Int, best: TrialOutcome?) {
        self.total = total
        self.finished = finished
        self.best = best
    }

    func handle(_ event: SearchRun.Event) {
        switch event {
        case .trialStarted(let trial, let parameters, let resumed):
            current = (trial, parameters.label + (resumed ? " (resumed)" : ""), Date())
            show(nil, force: true)
        case .sieveProgress(_, let progress):
            show(progress, force: false)
        case .trialFinished(let outcome, let best):
            finished += 1
            self.best = best
            let result: String
            switch outcome.state {
            case .complete:
                result = "score " + String(format: "%.4g", outcome.score ?? 0)
                    + (outcome.counts.map { ", \($0.bidirectional) bidirectional" } ?? "")
                    + (outcome.significance?.claims == true ? " (significant)" : "")
            case .pruned, .failed:
                result = outcome.state.rawValue.lowercased() + ": " + (outcome.reason ?? "")
            }
            line("trial \(outcome.trial) (\(finished)/\(total)) \(outcome.parameters.label): \(result)", final: true)
            current = nil
        }
    }

    private var bestText: String {
        guard let best else { return "best: none yet" }
        var text = "best: trial \(best.trial) score " + String(format: "%.4g", best.score ?? 0)
        if let found = best.strongest { text += " (seed \(found.seed) skip \(found.skip))" }
        return text
    }

    private func show(_ progress: SieveSweep.Progress?, force: Bool) {
        let now = Date()
        let interval = isTerminal ? 0.2 : 10.0
        guard force || now.timeIntervalSince(lastShown) >= interval, let current else { return }
        if !isTerminal && force { return }  // logs get a line per finished trial, and one every few seconds
        lastShown = now
        var sieve = "starting"
        if let progress {
            let fraction = progress.seedsTotal == 0 ? 1 : Double(progress.seedsDone) / Double(progress.seedsTotal)
            sieve = String(format: "%5.1f%%", fraction * 100)
                + " \(ProgressDisplay.count(Double(progress.seedsDone)))/\(ProgressDisplay.count(Double(progress.seedsTotal))) seeds"
                + ", \(progress.bidirectional) bidirectional"
                + (progress.seedsDone == progress.seedsTotal ? ", calibrating chance" : "")
        }
        let elapsed = ProgressDisplay.duration(now.timeIntervalSince(current.started))
        line("trial \(current.trial) (\(finished + 1)/\(total)) [\(sieve), \(elapsed)] \(bestText)", final: false)
    }

    private func line(_ text: String, final: Bool) {
        if isTerminal {
            FileHandle.standardError.write(Data(("\r" + text + "\u{1B}[K" + (final ? "\n" : "")).utf8))
            open = !final
        } else {
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }

    func finish() {
        if isTerminal && open { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
