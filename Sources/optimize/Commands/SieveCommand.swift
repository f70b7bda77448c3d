import ArgumentParser
import Foundation
import OptimizeMetrics
import Sieve
import SieveMetal
import WindowSearch

/// `optimize sieve`: the seeds of a range that explain a window of the history.
struct SieveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sieve",
        abstract: "Find the seeds whose stream explains a window of a draw history.",
        discussion: """
            For every seed of --seeds and every skip s of --skip, window draw i is compared with \
            output b + (o + i + 1)(s + 1) of the seed's stream, mod M; a seed survives when some skip \
            matches at least the threshold. With a reverse threshold, the kr draws before the window \
            are tested at the same skip, and seeds passing both are bidirectional survivors.

            Survivors stream to --out chunk by chunk. A run killed at any point resumes when the same \
            command is run again, and ends with exactly the files of an uninterrupted run; Ctrl-C \
            stops cleanly after the current chunk. `optimize survivors DIR` exports the survivors.

            With --champion NAME the window, offset, skips, thresholds, burn, sessions, family and \
            modulus come from the champion DIR/NAME.json (`optimize champion`), or from the baseline \
            when there is none; those options may not be given with it. sweep.json and the report \
            record the champion's source.
            """)

    @OptionGroup var history: HistoryOptions

    @OptionGroup var family: OptionalFamilyOptions

    @Option(parsing: .unconditional, help: "k: draws in the forward window.")
    var window: String?

    @Option(parsing: .unconditional, help: "o: index of the window's first draw in the (filtered) history.")
    var offset: String?

    @Option(parsing: .unconditional, help: "kr: draws in the reverse window, just before the forward one (default k).")
    var reverseWindow: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("The skips to test: skip_min...skip_max, or one skip.", valueName: "a...b"))
    var skip: String?

    @Option(parsing: .unconditional, help: "τ: the fraction of the window that must match (exact: ⌈τ·k⌉ matches).")
    var threshold: String?

    @Option(parsing: .unconditional, help: "The forward matches needed, instead of --threshold.")
    var minMatches: String?

    @Option(parsing: .unconditional, help: "τr: the fraction of the reverse window that must match; runs the reverse test.")
    var reverseThreshold: String?

    @Option(parsing: .unconditional, help: "The reverse matches needed, instead of --reverse-threshold.")
    var reverseMinMatches: String?

    @Flag(help: "Test the reverse window over every seed, not only forward survivors (reports reverse-only survivors).")
    var fullReverse = false

    @Option(parsing: .unconditional, help: "b: outputs discarded after seeding, before the history's first draw (default 0).")
    var burn: String?

    @Option(parsing: .unconditional, help: "M: draws are outputs mod M, 2 ... 2^32 (default 1000).")
    var modulus: String?

    @Flag(help: "The reference system's semantics (offset as an o-step pre-advance, reverse = window backwards, float32 thresholds).")
    var referenceMode = false

    @Option(parsing: .unconditional, help: ArgumentHelp("The seeds: start..<end (end excluded), e.g. 0..<2^32.", valueName: "range"))
    var seeds: String

    @Option(help: ArgumentHelp("Sweep only part i of n (0-based) of the seeds; `optimize merge` joins the parts. `auto`: i and n from a Slurm job array (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX of --shard-count).", valueName: "i/n|auto"))
    var shard: String?

    @Option(help: ArgumentHelp("With --shard auto: the number of shards (required for a Kubernetes Indexed Job: its spec.completions; checked against SLURM_ARRAY_TASK_COUNT).", valueName: "n"))
    var shardCount: String?

    @Option(help: "The sweep's directory: created, or resumed when it holds this sweep. `{shard}` in it is replaced by the shard's index (with --shard), so that every task of an array writes, and on a rerun resumes, a directory of its own.")
    var out: String

    @Option(parsing: .unconditional, help: ArgumentHelp("Seeds per journaled chunk (new sweeps only).", visibility: .hidden))
    var chunkSize: String?

    @Flag(help: "Print one JSON document: parameters, counts, chance expectations and survivors.")
    var json = false

    @OptionGroup var backendOptions: BackendOptions

    @Option(help: ArgumentHelp("Sieve with champion NAME's window configuration (the baseline when DIR/NAME.json does not exist).",
                               valueName: "name"))
    var champion: String?

    @OptionGroup var championDirectory: ChampionDirectoryOptions

    @OptionGroup var metrics: MetricsOptions

    /// The window options a champion sets, by name, when given.
    var windowOptionsGiven: [String] {
        [("--prng", family.prng != nil), ("--param", !family.parameters.isEmpty), ("--window", window != nil),
         ("--offset", offset != nil), ("--reverse-window", reverseWindow != nil), ("--skip", skip != nil),
         ("--threshold", threshold != nil), ("--min-matches", minMatches != nil), ("--reverse-threshold", reverseThreshold != nil),
         ("--reverse-min-matches", reverseMinMatches != nil), ("--full-reverse", fullReverse), ("--burn", burn != nil),
         ("--modulus", modulus != nil), ("--reference-mode", referenceMode), ("--sessions", history.sessions != nil)]
            .filter(\.1).map(\.0)
    }

    func validate() throws {
        if champion == nil {
            // Without a champion these are required, as ArgumentParser would have it (usage, 64).
            for (name, value, form) in [("--prng", family.prng, "prng"), ("--window", window, "window"), ("--offset", offset, "offset"),
                                        ("--skip", skip, "a...b")] where value == nil {
                throw ValidationError("Missing expected argument '\(name) <\(form)>' (or give --champion NAME)")
            }
        }
        try validating { () throws(InputError) in
            if let champion {
                try ChampionLoader.checkName(champion)
                let given = windowOptionsGiven
                guard given.isEmpty else {
                    throw InputError(.invalidOption, source: given.joined(separator: ", "),
                                     problem: "given with --champion \(champion), which sets the window configuration",
                                     fix: "leave \(given.count == 1 ? "it" : "them") out to sieve with the champion, or leave out --champion to give the configuration yourself")
                }
                return
            }
            guard (threshold == nil) != (minMatches == nil) else {
                throw InputError(.invalidThreshold, source: "--threshold", problem: threshold == nil ? "no forward threshold given" : "both --threshold and --min-matches given",
                                 fix: "give exactly one of --threshold τ or --min-matches m")
            }
            if reverseThreshold != nil && reverseMinMatches != nil {
                throw InputError(.invalidThreshold, source: "--reverse-threshold", problem: "both --reverse-threshold and --reverse-min-matches given",
                                 fix: "give one of them")
            }
            if fullReverse && reverseThreshold == nil && reverseMinMatches == nil {
                throw InputError(.invalidOption, source: "--full-reverse", problem: "given without a reverse threshold",
                                 fix: "add --reverse-threshold or --reverse-min-matches")
            }
        }
    }

    func run() throws {
        try reportingErrors {
            let stop = SignalStop()
            let loaded: DrawHistory, plan: SievePlan, seedRange: SeedRange
            var source: ChampionSource?
            if let champion {
                let chosen = try championDirectory.loader.load(champion)
                source = chosen.source
                loaded = try history.file.load(sessions: chosen.configuration.parameters.sessions.names)
                (plan, seedRange) = try championPlan(chosen, history: loaded)
            } else {
                _ = try parseModulus(modulus ?? "1000")
                loaded = try history.load()
                (plan, seedRange) = try makePlan(history: loaded)
            }
            let assigned = try parseShard(environment: ProcessInfo.processInfo.environment)
            let shardSpec = assigned.map { (index: $0.index, count: $0.count) }
            if let assigned, let origin = assigned.origin {
                // A scheduler's log then says which shard each task swept.
                StandardError.write("sieve: shard \(assigned.index)/\(assigned.count) from \(origin)")
            }
            let out = try outDirectory(shard: shardSpec?.index)
            if let shardSpec, seedRange.shard(shardSpec.index, of: shardSpec.count) == nil {
                throw InputError(.invalidOption, source: "--shard", problem: "part \(shardSpec.index)/\(shardSpec.count) of \(seedRange) holds no seed",
                                 fix: "use fewer shards than seeds")
            }
            let swept = shardSpec.flatMap { seedRange.shard($0.index, of: $0.count) } ?? seedRange
            try plan.checkRunnable(seedCount: swept.count, option: "--seeds")
            var size = SieveSweep.defaultChunkSize
            if let chunkSize { size = try parseUnsignedInteger(chunkSize, option: "--chunk-size") }
            guard size >= 1 else {
                throw InputError(.invalidOption, source: "--chunk-size", problem: "0 seeds per chunk", fix: "give at least 1")
            }
            let selection = try backendOptions.select()
            var sweep = SieveSweep(directory: out, plan: plan, history: loaded, seeds: seedRange, shard: shardSpec,
                                   backend: selection.backend, chunkSize: size, cancellation: stop.cancellation)
            sweep.champion = source?.json
            let display = ProgressDisplay(label: "sieve")
            let started = Date()
            var seedsThisRun: UInt128 = 0
            let outcome: SieveSweep.Outcome
            do {
                outcome = try sweep.run(
                    progress: { progress in
                        seedsThisRun = progress.seedsThisRun
                        display.update(progress)
                    },
                    shouldStop: { stop.requested })
            } catch {
                // A sweep that failed once it ran (a GPU's failure, a full disk) is an execution that failed.
                display.finish()
                recordExecution(out: out, success: false, seconds: Date().timeIntervalSince(started), seeds: seedsThisRun,
                                summary: nil, family: plan.parameters.prng.family.name, backend: selection.name,
                                key: "sieve/failed/\(UUID().uuidString)", failure: error)
                throw error
            }
            switch outcome {
            case .interrupted(let progress):
                display.finish()
                StandardError.write("interrupted after \(progress.chunksDone) chunks (\(progress.seedsDone) of \(progress.seedsTotal) seeds); run the same command to resume")
                throw ExitCode(stop.exitStatus)
            case .complete(let summary):
                let seconds = Date().timeIntervalSince(started)
                let report = SieveReport(directory: out, plan: plan, history: loaded, seeds: seedRange, shard: shardSpec,
                                         summary: summary, seconds: seconds, seedsThisRun: seedsThisRun,
                                         backend: selection.name, champion: source)
                print(json ? try report.json() : try report.text())
                // A sweep is one execution however many runs it took: the key is its directory
                // and sweep.json's creation time, so running the command again on a complete sweep
                // (which only reports it) records nothing.
                let manifest = try? FileIO.contents(of: FilePath(out).appending(SweepManifest.fileName), followingLinks: false)
                    .flatMap { try? JSONReader.parse($0) }
                let created = manifest?["created"]?.string ?? UUID().uuidString
                let directory = URL(fileURLWithPath: out).standardizedFileURL.path
                recordExecution(out: out, success: true, seconds: seconds, seeds: seedsThisRun, summary: summary,
                                family: plan.parameters.prng.family.name, backend: selection.name,
                                key: "sieve/\(directory)/\(created)", failure: nil)
            }
        }
    }

    /// The sieve's record in the metrics store (agent `sieve`): no quality score; the time and
    /// seeds of this run, the survivors.
    func recordExecution(out: String, success: Bool, seconds: Double, seeds: UInt128, summary: SweepSummary?, family: String,
                         backend: String, key: String, failure: (any Error)?) {
        var details: [(key: String, value: JSONValue)] = [
            ("directory", .string(out)), ("seeds_this_run", .uint64(UInt64(clamping: seeds))),
            ("seeds_per_second", .number(seconds > 0 ? Double(seeds) / seconds : nil)),
        ]
        if let summary {
            details += [("forward", .integer(summary.forward)), ("bidirectional", summary.bidirectional.map(JSONValue.integer) ?? .null)]
        }
        if let failure { details.append(("error", .string("\(failure)"))) }
        metrics.record(MetricsRecord(success: success, agent: "sieve", executionTimeS: seconds, workload: family, backend: backend,
                                     details: .object(details)), key: key)
    }

    func makePlan(history loaded: DrawHistory) throws(InputError) -> (SievePlan, SeedRange) {
        let configuration = try family.configuration()
        let seedRange = try SeedRange.parse(seeds, family: configuration.family)
        func matches(_ text: String, _ option: String) throws(InputError) -> Threshold {
            let value = try parseInteger(text, option: option, meaning: "a count of matches")
            guard value >= 0 else {
                throw InputError(.invalidThreshold, source: option, problem: "\(value) matches", fix: "give a count of at least 0")
            }
            return .matches(value)
        }
        let forward: Threshold
        if let threshold {
            forward = try Threshold(fraction: threshold, option: "--threshold")
        } else {
            forward = try matches(minMatches ?? "0", "--min-matches")
        }
        var reverse: Threshold?
        if let reverseThreshold {
            reverse = try Threshold(fraction: reverseThreshold, option: "--reverse-threshold")
        } else if let reverseMinMatches {
            reverse = try matches(reverseMinMatches, "--reverse-min-matches")
        }
        let draws = "a number of draws"
        let window = try parseInteger(window ?? "", option: "--window", meaning: draws)
        let offset = try parseInteger(offset ?? "", option: "--offset", meaning: "an index of a draw")
        let reverseWindow = try reverseWindow.map { text throws(InputError) in try parseInteger(text, option: "--reverse-window", meaning: draws) }
        guard offset >= 0 else {
            throw InputError(.windowDoesNotFit, source: "--offset", problem: "offset \(offset) is negative", fix: "give an offset of at least 0")
        }
        let parameters = SieveParameters(
            prng: configuration, modulus: try parseModulus(modulus ?? "1000"), window: window, offset: offset,
            reverseWindow: reverseWindow, skips: try parseSkipRange(skip ?? ""), burn: try parseUnsignedInteger(burn ?? "0", option: "--burn"),
            forwardThreshold: forward, reverseThreshold: reverse, reverseScope: fullReverse ? .fullRange : .forwardSurvivors,
            referenceMode: referenceMode)
        let residues = try loaded.residues(modulus: parameters.modulus)
        return (try SievePlan(parameters: parameters, residues: residues, source: loaded.source), seedRange)
    }

    /// The plan and seeds of a champion's configuration (or the baseline's).
    func championPlan(_ chosen: LoadedChampion, history loaded: DrawHistory) throws(InputError) -> (SievePlan, SeedRange) {
        let parameters: SieveParameters
        do {
            parameters = try chosen.configuration.sieveParameters()
        } catch {
            throw InputError(error.kind, source: "\(chosen.source.source): configuration.\(error.source)", problem: error.problem, fix: error.fix)
        }
        let seedRange = try SeedRange.parse(seeds, family: parameters.prng.family)
        let residues = try loaded.residues(modulus: parameters.modulus)
        return (try SievePlan(parameters: parameters, residues: residues, source: "\(loaded.source) with \(chosen.source)"), seedRange)
    }

    /// The shard to sweep: `--shard i/n`, or with `--shard auto` the scheduler's (``SchedulerShard``).
    /// - Returns: the shard and, with `--shard auto`, the variables it came from.
    func parseShard(environment: [String: String]) throws(InputError) -> (index: Int, count: Int, origin: String?)? {
        var count: Int?
        if let shardCount {
            guard shard == "auto" else {
                throw InputError(.invalidOption, source: "--shard-count", problem: "given without --shard auto",
                                 fix: shard == nil ? "add --shard auto, or leave it out" : "leave it out: --shard \(shard!) gives the count")
            }
            guard let value = Int(shardCount), value >= 1 else {
                throw InputError(.invalidOption, source: "--shard-count", problem: "'\(shardCount)' is not a number of shards",
                                 fix: "give a whole number of at least 1 (the Indexed Job's completions)")
            }
            count = value
        }
        guard let shard else { return nil }
        if shard == "auto" {
            let assigned = try SchedulerShard.resolve(environment: environment, shardCount: count)
            return (assigned.index, assigned.count, assigned.origin)
        }
        let parts = shard.split(separator: "/").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let index = parts[0], let count = parts[1], count >= 1, (0..<count).contains(index) else {
            throw InputError(.invalidOption, source: "--shard", problem: "'\(shard)' is not a shard i/n",
                             fix: "write i/n with 0 <= i < n, such as 0/4 … 3/4, or auto under a Slurm job array or a Kubernetes Indexed Job")
        }
        return (index, count, nil)
    }

    /// `--out` with `{shard}` replaced by the shard's index.
    ///
    /// Why a placeholder: a scheduler's task knows its own number only at run time, and a task rerun
    /// (a requeued array task, a retried pod) must find its own directory again to resume it. The
    /// index is the shard's, not the scheduler's task ID, so that `--array=1-4` and `--array=0-3`
    /// name the same directories.
    func outDirectory(shard index: Int?) throws(InputError) -> String {
        guard out.contains("{shard}") else { return out }
        guard let index else {
            throw InputError(.invalidOption, source: "--out", problem: "'\(out)' holds {shard}, but no --shard is given",
                             fix: "add --shard i/n or --shard auto, or leave {shard} out of --out")
        }
        return out.replacingOccurrences(of: "{shard}", with: String(index))
    }
}
