import ArgumentParser
import Foundation
import OptimizeMetrics
import Sieve
import Study
import StudyDatabase
import SearchWorkers
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

            Every trial is saved as it ends (trials.journal, best.json, optimal_window_config.json, \
            bidirectional_survivors.json, trials/NNNNN/ with its survivors, trial.json and trial.log), \
            and a killed search resumes (`optimize resume DIR`) to exactly the files an uninterrupted \
            one writes, times aside. Ctrl-C stops after the current chunk.
            """)

    @OptionGroup var history: HistoryFileOptions

    @OptionGroup var family: FamilyOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("The seeds every trial sieves: start..<end.", valueName: "range"))
    var seeds: String

    @Option(parsing: .unconditional, help: "Trials in the run.")
    var trials: String = "50"

    @Option(parsing: .unconditional, help: "The sampler's seed: the same seed, history and options give the same run.")
    var seed: String

    @Option(help: "The run's directory: created; an existing run is refused unless --resume. With --storage: this worker's directory.")
    var out: String

    @OptionGroup var storage: StorageOptions

    @Option(help: "With --storage: the search's name in the database (created, or joined when it exists with the same options).")
    var name: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("With --storage: seconds a trial stays this worker's without a heartbeat.", valueName: "seconds"))
    var lease: Double = 60

    @Option(help: ArgumentHelp("A JSON file of search bounds (see the README); entries left out keep their defaults.", valueName: "BOUNDS.json"))
    var config: String?

    @Option(help: "What a trial's score measures: significance, count (the reference's) or band (with --band).")
    var objective: Objective.Kind = .significance

    @Option(parsing: .unconditional, help: ArgumentHelp("The band of bidirectional counts for --objective band: low...high.", valueName: "low...high"))
    var band: String?

    @Option(parsing: .unconditional, help: "The family-wise error rate of significance claims over the run's trials.")
    var alpha: Double = SearchSettings.defaultAlpha

    @Option(parsing: .unconditional, help: "M: draws are outputs mod M, 2 ... 2^32.")
    var modulus: String = "1000"

    @OptionGroup var backendOptions: BackendOptions

    @OptionGroup var metrics: MetricsOptions

    @Flag(help: "The reference system's semantics (offset as an o-step pre-advance, reverse = window backwards, float32 thresholds).")
    var referenceMode = false

    @Flag(help: "Test the reverse window over every seed, not only forward survivors (reports reverse-only survivors).")
    var fullReverse = false

    @Flag(help: "Continue the run in --out if there is one (with the same options), instead of refusing.")
    var resume = false

    @Flag(help: "Print best.json when the search ends, instead of text.")
    var json = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Seeds per journaled chunk of a trial's sieve (new runs only).", visibility: .hidden))
    var chunkSize: String = String(SearchSettings.defaultChunkSize)

    @Option(parsing: .unconditional, help: ArgumentHelp("Seeds of each trial's empirical chance calibration (new runs only).", visibility: .hidden))
    var chanceSample: String = String(SieveSweep.defaultChanceSampleSize)

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
            _ = try parseModulus(modulus)
            _ = try parseInteger(trials, option: "--trials", range: 1...Int.max, meaning: "a number of trials")
            let loaded = try history.load()
            if let database = try storage.connect(retrySeconds: 600) {
                guard let name else {
                    throw InputError(.invalidOption, source: "--name", problem: "missing with --storage",
                                     fix: "name the search in the database: --name NAME")
                }
                if resume {
                    throw InputError(.invalidOption, source: "--resume", problem: "given with --storage",
                                     fix: "drop it: a search in a database is joined whenever it exists with the same options")
                }
                let (search, created) = try SharedSearch.start(database: database, name: name, settings: try makeSettings(history: loaded),
                                                               history: loaded)
                StandardError.write(created ? "created search \(name) in \(database.url)" : "joined search \(name) in \(database.url)")
                var options = try WorkerOptions.parse(["--name", name, "--out", out, "--lease", String(lease)])
                options.storage = storage
                options.backendOptions = backendOptions
                options.json = json
                try WorkerSession.run(search, history: loaded, options: options, stop: stop)
                return
            }
            if name != nil {
                throw InputError(.invalidOption, source: "--name", problem: "given without --storage (or OPTIMIZE_STORAGE)",
                                 fix: "add --storage postgresql://USER@HOST/DATABASE, or drop --name")
            }
            let selection = try backendOptions.select()
            var settings = try makeSettings(history: loaded)
            settings.backend = selection.name
            let search = try SearchRun.start(directory: out, settings: settings, history: loaded, resume: resume,
                                             backend: selection.backend)
            let started = Date()
            do {
                try SearchSession.run(search, json: json, stop: stop)
            } catch let error as ExitCode {
                throw error  // interrupted: the run resumes, and is recorded when it completes
            } catch {
                record(search, seconds: Date().timeIntervalSince(started), key: "search/failed/\(UUID().uuidString)", failure: error)
                throw error
            }
            // A run is one execution however many processes it took: its directory and run.json's
            // creation time, so `--resume` on a complete run records nothing more.
            let created = (try? RunFile.read(directory: out).created) ?? UUID().uuidString
            record(search, seconds: Date().timeIntervalSince(started),
                   key: "search/\(URL(fileURLWithPath: out).standardizedFileURL.path)/\(created)", failure: nil)
        }
    }

    /// The search's record in the metrics store (agent `search`): it succeeded when a trial
    /// completed, and its quality score is the best trial's score.
    func record(_ search: SearchRun, seconds: Double, key: String, failure: (any Error)?) {
        let best = search.best
        var details: [(key: String, value: JSONValue)] = [
            ("directory", .string(out)), ("trials", .integer(search.outcomes.count)),
            ("complete", .integer(search.outcomes.filter { $0.state == .complete }.count)),
            ("best_trial", best.map { .integer($0.trial) } ?? .null),
            ("p_value", .number(best?.significance?.pValue)), ("claims_significance", best?.significance.map { .bool($0.claims) } ?? .null),
        ]
        if let failure { details.append(("error", .string("\(failure)"))) }
        metrics.record(MetricsRecord(success: failure == nil && best != nil, agent: "search", qualityScore: best?.score,
                                     executionTimeS: seconds, workload: search.settings.prng, backend: search.settings.backend,
                                     details: .object(details)), key: key)
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
            modulus: try parseModulus(modulus), seeds: seedRange, referenceMode: referenceMode,
            fullReverse: fullReverse, backend: "cpu", objective: objectiveValue, alpha: alpha,
            trials: try parseInteger(trials, option: "--trials", range: 1...Int.max, meaning: "a number of trials"),
            samplerSeed: samplerSeed, chunkSize: chunk,
            chanceSampleSize: Int(clamping: try parseUnsignedInteger(chanceSample, option: "--chance-sample")), bounds: bounds)
        try settings.validate(shape: shape, boundsSource: config ?? "the default bounds")
        return settings
    }
}
