import ArgumentParser
import Foundation
import OptimizeMetrics
import Sieve
import SieveMetal
import WindowSearch

/// `optimize bench`: the standard workloads, measured against the plain oracle in the same run,
/// and the trial workloads: one window-search trial per family, timed by phase.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the sieve on the standard workloads W1-W5 and the trial workloads T-* (see the README).",
        discussion: """
            Build with -c release to measure. Each figure names its workload; the ratio compares one core of the \
            backend with the oracle on one core, measured in the same run. On a GPU (--backend metal on a Mac) \
            processor time says nothing about the work, so the per-core columns are left out and seeds/s is the \
            figure; each workload also reports its dispatches and their GPU times, and the README lists the \
            throughput the cost model expects per Apple GPU.

            The trial workloads (T-java, T-mt, T-xs32, and one per other family) each run one window-search \
            trial the way `optimize search --config Benchmarks/trial-shape.json --trials 1` runs it: window 29 \
            at offset 89, skips 9...105, thresholds 0.36/0.22, the midday session, M = 1000, over an \
            18,000-draw daily3-like history of random draws, in a temporary run directory with the search's \
            chunks, checkpoints, chance calibration and survivor files. Each reports seeds/s, hypotheses/s \
            (seeds x 97 skips), the time for 2^32 seeds, and the share of the wall time in each phase: tables \
            (low-bit class tables), kernel (the backend's dispatches, those that sieve tables and calibrate \
            chance included), calibration, writing (survivors, journal lines, summary) and other. A full run \
            sweeps all 2^32 seeds per trial workload, which takes a long time (hours, for some families): \
            --quick sweeps a slice (2^19 to 2^22 seeds, by family; T-xs32 all 2^32, which its cycle pass covers in one pass) and projects to 2^32: the sweep's chunk loop scales with the seeds, what does not grow with them (the calibration, the run's setup, a class table sieved once) is counted once. \
            --scaling runs each selected trial workload at 1 thread and at every core and reports the ratio; \
            each of the two runs reads its own random history, so that no class table one sieved serves the \
            other. --write-trial-history FILE writes the trial workloads' history and exits \
            (Scripts/bench-trials.sh uses it).
            """)

    @Flag(help: "Sweep fewer seeds per workload (seconds instead of minutes; trial workloads project to 2^32 seeds).")
    var quick = false

    @Option(help: ArgumentHelp("Run only these workloads, comma-separated (default: all; the full trial workloads take hours).", valueName: "ids"))
    var only: WorkloadSelection?

    @Option(help: ArgumentHelp("Seeds per workload, instead of the full or quick count (trial workloads: at most 2^32).", valueName: "n"))
    var seeds: String?

    @Flag(help: "Measure brute force: no low-bit class pruning (which skips most seeds of W2, W3 and W5 on either backend).")
    var noPrune = false

    @Flag(help: "Run the selected trial workloads (all by default) at 1 thread and at every core, and report the ratio.")
    var scaling = false

    @Option(help: ArgumentHelp("Write the trial workloads' daily3-like history (the reference's JSON) to this file, and exit.",
                               valueName: "file"))
    var writeTrialHistory: String?

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var backendOptions: BackendOptions

    @OptionGroup var metrics: MetricsOptions

    @Option(help: ArgumentHelp("The run this bench is part of, in its metrics' idempotency keys (default: a new one each time).",
                               valueName: "id"))
    var runID: String?

    @Option(help: ArgumentHelp("The iteration of --run-id this bench is, in its metrics' idempotency keys.", valueName: "n"))
    var iteration: Int = 1

    func run() throws {
        try reportingErrors { try measure() }
    }

    func measure() throws {
        if let writeTrialHistory {
            try TrialWorkload.writeHistory(to: writeTrialHistory)
            return
        }
        guard iteration >= 1 else {
            throw InputError(.invalidOption, source: "--iteration", problem: "\(iteration)", fix: "give an iteration of at least 1")
        }
        if let runID, runID.isEmpty || runID.contains("/") {
            throw InputError(.invalidOption, source: "--run-id", problem: "'\(runID)' is empty or holds '/'",
                             fix: "give a run id without '/', such as soak-20261202")
        }
        let cpuThreads = max(1, backendOptions.threads ?? CPUKernel.defaultThreadCount)
        var seedCount: UInt64?
        if let seeds {
            seedCount = try parseUnsignedInteger(seeds, option: "--seeds")
            guard seedCount ?? 0 >= 1 else {
                throw InputError(.invalidOption, source: "--seeds", problem: "0 seeds", fix: "give at least 1")
            }
        }
        var workloads = try StandardWorkload.all()
        var trials = TrialWorkload.all
        if let only {
            workloads = workloads.filter { only.ids.contains($0.id) }
            trials = trials.filter { only.ids.contains($0.id) }
        }
        if scaling {
            guard workloads.isEmpty || only == nil else {
                throw InputError(.invalidOption, source: "--scaling", problem: "measures trial workloads only, not \(workloads.map(\.id).joined(separator: ", "))",
                                 fix: "select trial workloads with --only (T-java, T-mt, …), or drop --scaling")
            }
            workloads = []
        }
        if let seedCount, !trials.isEmpty, seedCount > TrialWorkload.fullSeeds {
            throw InputError(.invalidOption, source: "--seeds", problem: "\(seedCount) seeds for a trial workload",
                             fix: "give at most 2^32 seeds (a trial workload sweeps seeds 0 ..< n)")
        }
        let selection = try backendOptions.select(cpu: CPUSieveBackend(threads: cpuThreads, pruneLowBitClasses: !noPrune),
                                                  metal: MetalSieveBackend.Configuration(pruneLowBitClasses: !noPrune))
        if scaling && !(selection.backend is CPUSieveBackend) {
            throw InputError(.invalidOption, source: "--scaling", problem: "measures CPU threads, and the backend is \(selection.name)",
                             fix: "add --backend cpu")
        }
        let metal = selection.backend as? MetalSieveBackend
        // A GPU counts as one "thread"; the CPU and the emulated GPU use the CPU threads.
        let onGPU = metal.map { !$0.context.isEmulated } ?? false
        let threads = onGPU ? 1 : cpuThreads
        var results: [BenchmarkResult] = []
        var dispatches: [String: MetalSieveBackend.Statistics] = [:]
        let run = runID ?? UUID().uuidString
        for workload in workloads {
            if !json { StandardError.write("running \(workload.id): \(workload.summary)…") }
            metal?.resetStatistics()
            let result = try BenchmarkResult.measure(workload, quick: quick, backend: selection.backend, threads: threads,
                                                     seeds: seedCount)
            results.append(result)
            if let metal { dispatches[workload.id] = metal.statistics }
            record(workload.id, run: run, seconds: result.seconds, seedsPerSecond: result.seedsPerSecond, seeds: result.seeds,
                   threads: result.threads, backend: selection.name)
        }
        var trialResults: [TrialWorkload.Result] = []
        var scalingResults: [(one: TrialWorkload.Result, all: TrialWorkload.Result)] = []
        if !trials.isEmpty {
            let bench = TrialBench(quick: quick, seeds: seedCount, json: json)
            defer { bench.removeScratch() }
            for trial in trials {
                if scaling {
                    let all = CPUKernel.defaultThreadCount
                    let one = try bench.run(trial, backend: CPUSieveBackend(threads: 1, pruneLowBitClasses: !noPrune),
                                            name: "cpu", threads: 1, leg: 0)
                    let every = try bench.run(trial, backend: CPUSieveBackend(threads: all, pruneLowBitClasses: !noPrune),
                                              name: "cpu", threads: all, leg: 1)
                    scalingResults.append((one, every))
                } else {
                    metal?.resetStatistics()
                    let result = try bench.run(trial, backend: selection.backend, name: selection.name, threads: threads, leg: 0)
                    trialResults.append(result)
                    if let metal { dispatches[trial.id] = metal.statistics }
                    record(trial.id, run: run, seconds: result.seconds, seedsPerSecond: result.seedsPerSecond, seeds: result.seeds,
                           threads: result.threads, backend: selection.name)
                }
            }
        }
        if json {
            let entries: [JSONValue] = results.map { r in
                .object([
                    ("workload", .string(r.workload.id)), ("description", .string(r.workload.summary)),
                    ("backend", .string(r.backend)), ("threads", .integer(r.threads)), ("seeds", .uint64(r.seeds)),
                    ("seconds", .number(r.seconds)), ("cpu_seconds", .number(r.cpuSeconds)),
                    ("seeds_per_second", .number(r.seedsPerSecond)),
                    ("seeds_per_cpu_second", onGPU ? .null : .number(r.seedsPerCPUSecond)),
                    ("hypotheses_per_second", .number(r.hypothesesPerSecond)), ("survivors", .integer(r.survivors)),
                    ("oracle_seeds", .uint64(r.oracleSeeds)), ("oracle_seeds_per_cpu_second", .number(r.oracleSeedsPerCPUSecond)),
                    ("ratio_to_oracle_per_core", onGPU ? .null : .number(r.ratioToOracle)),
                    ("dispatches", dispatches[r.workload.id].map { Self.dispatchJSON($0) } ?? .null),
                ])
            }
            var members: [(key: String, value: JSONValue)] = [
                ("quick", .bool(quick)), ("pruning", .bool(!noPrune && metal == nil)), ("backend", .string(selection.name)),
                ("backend_summary", .string(selection.summary)), ("results", .array(entries)),
                ("trials", .array(trialResults.map { Self.trialJSON($0, onGPU: onGPU, dispatches: dispatches[$0.workload.id]) })),
            ]
            if scaling {
                members.append(("scaling", .array(scalingResults.map { pair in
                    .object([
                        ("workload", .string(pair.one.workload.id)), ("seeds", .uint64(pair.one.seeds)),
                        ("one_thread", Self.trialJSON(pair.one, onGPU: false, dispatches: nil)),
                        ("all_threads", Self.trialJSON(pair.all, onGPU: false, dispatches: nil)),
                        ("ratio", .number(pair.one.seconds / pair.all.seconds)),
                    ])
                })))
            }
            print(JSONValue.object(members).prettyText)
            return
        }
        print(selection.summary)
        if !results.isEmpty {
            var rows = [["workload", "seeds", "wall", "seeds/s", "hypotheses/s", "threads", "seeds/core-s", "oracle/core-s", "× oracle"]]
            for r in results {
                rows.append([
                    r.workload.id, ProgressDisplay.count(Double(r.seeds)), String(format: "%.2f s", r.seconds),
                    ProgressDisplay.count(r.seedsPerSecond), ProgressDisplay.count(r.hypothesesPerSecond), "\(r.threads)",
                    onGPU ? "-" : ProgressDisplay.count(r.seedsPerCPUSecond), ProgressDisplay.count(r.oracleSeedsPerCPUSecond),
                    onGPU ? "-" : String(format: "%.0f", r.ratioToOracle),
                ])
            }
            print(TextTable.render(rows).joined(separator: "\n"))
            print("seeds/core-s: seeds per second of processor time (per core); × oracle compares it with the plain oracle's, measured in this run")
            for r in results {
                print("\(r.workload.id): \(r.workload.summary)")
                if let s = dispatches[r.workload.id], s.dispatches > 0 { print(Self.dispatchLine(s)) }
            }
        }
        if !trialResults.isEmpty {
            if !results.isEmpty { print("") }
            print(TrialBench.caption)
            print(Self.trialTable(trialResults, onGPU: onGPU).joined(separator: "\n"))
            print(TrialBench.phaseNote)
            for r in trialResults {
                if let line = TrialBench.nestedLine(r) { print(line) }
                if let s = dispatches[r.workload.id], s.dispatches > 0 { print("\(r.workload.id):"); print(Self.dispatchLine(s)) }
            }
        }
        if !scalingResults.isEmpty {
            print(TrialBench.caption)
            let every = scalingResults[0].all.threads
            var rows = [["workload", "seeds", "wall, 1 thread", "wall, \(every) threads", "speed-up", "2^32 seeds, \(every) threads"]]
            for pair in scalingResults {
                rows.append([
                    pair.one.workload.id, ProgressDisplay.count(Double(pair.one.seeds)), String(format: "%.2f s", pair.one.seconds),
                    String(format: "%.2f s", pair.all.seconds), String(format: "%.2f×", pair.one.seconds / pair.all.seconds),
                    TrialBench.projection(pair.all),
                ])
            }
            print(TextTable.render(rows).joined(separator: "\n"))
            print("thread scaling: the wall time at 1 thread over the wall time at \(every); the phases of each run:")
            print(Self.trialTable(scalingResults.flatMap { [$0.one, $0.all] }, onGPU: false).joined(separator: "\n"))
        }
    }

    /// A workload's record in the metrics store (agent `bench.ID`), as soon as it is measured: its
    /// quality score is its seeds per second, and its key is the run's, the iteration's and the
    /// workload's, so that the same run and iteration given again records nothing twice.
    func record(_ id: String, run: String, seconds: Double, seedsPerSecond: Double, seeds: UInt64, threads: Int, backend: String) {
        let details: JSONValue = .object([
            ("seeds", .uint64(seeds)), ("threads", .integer(threads)), ("quick", .bool(quick)), ("pruning", .bool(!noPrune)),
            ("run", .string(run)), ("iteration", .integer(iteration)),
        ])
        metrics.record(MetricsRecord(success: true, agent: "bench.\(id)", qualityScore: seedsPerSecond, executionTimeS: seconds,
                                     workload: id, backend: backend, details: details),
                       key: MetricsRecord.key("bench", run: run, iteration: iteration, workload: id))
    }

    static func dispatchLine(_ s: MetalSieveBackend.Statistics) -> String {
        String(format: "    %ld dispatches, %.1f ms of GPU time each on average, the longest %.1f ms; %ld overflow re-runs",
               s.dispatches, s.gpuSeconds / Double(s.dispatches) * 1000, s.longestDispatchSeconds * 1000, s.overflows)
    }

    /// The trial workloads' table: rates, the time for 2^32 seeds, and each phase's share.
    static func trialTable(_ results: [TrialWorkload.Result], onGPU: Bool) -> [String] {
        var rows = [["workload", "family", "seeds", "wall", "seeds/s", "hypotheses/s", "threads", "seeds/core-s", "2^32 seeds"]
            + PhaseTimer.Phase.allCases.map(\.rawValue)]
        for r in results {
            rows.append([
                r.workload.id, r.workload.family.name, ProgressDisplay.count(Double(r.seeds)), String(format: "%.2f s", r.seconds),
                ProgressDisplay.count(r.seedsPerSecond), ProgressDisplay.count(r.hypothesesPerSecond), "\(r.threads)",
                onGPU ? "-" : ProgressDisplay.count(r.seedsPerCPUSecond), TrialBench.projection(r),
            ] + PhaseTimer.Phase.allCases.map { String(format: "%.1f%%", r.phases.share($0) * 100) })
        }
        return TextTable.render(rows)
    }

    static func trialJSON(_ r: TrialWorkload.Result, onGPU: Bool, dispatches: MetalSieveBackend.Statistics?) -> JSONValue {
        let phases = r.phases
        let shares: [(key: String, value: JSONValue)] = PhaseTimer.Phase.allCases.map { phase in
            let seconds: JSONValue = .number(phases.seconds[phase] ?? 0)
            return (phase.rawValue, JSONValue.object([("seconds", seconds), ("share", .number(phases.share(phase)))]))
        }
        let within: JSONValue = .object([
            ("tables", .number(phases.within[.tables]?[.kernel] ?? 0)),
            ("calibration", .number(phases.within[.calibration]?[.kernel] ?? 0)),
        ])
        let survivors: JSONValue = .object([("forward", .integer(r.forward)), ("bidirectional", .integer(r.bidirectional))])
        var members: [(key: String, value: JSONValue)] = [
            ("workload", .string(r.workload.id)), ("family", .string(r.workload.family.name)),
            ("description", .string(r.workload.summary)), ("backend", .string(r.backend)), ("threads", .integer(r.threads)),
            ("seeds", .uint64(r.seeds)), ("seconds", .number(r.seconds)), ("cpu_seconds", .number(r.cpuSeconds)),
        ]
        members += [
            ("seeds_per_second", .number(r.seedsPerSecond)), ("hypotheses_per_second", .number(r.hypothesesPerSecond)),
            ("seeds_per_cpu_second", onGPU ? .null : .number(r.seedsPerCPUSecond)),
            ("projected_seconds_for_2_32_seeds", .number(r.projectedSeconds)), ("fixed_seconds", .number(r.fixedSeconds)),
            ("chunk_loop_seconds", .number(r.chunkLoopSeconds)),
        ]
        members += [
            ("phases", .object(shares)), ("kernel_seconds_within", within),
            ("tables_sieved", .integer(phases.callsWithInner[.tables] ?? 0)), ("survivors", survivors),
            ("dispatches", dispatches.map { dispatchJSON($0) } ?? .null),
        ]
        return .object(members)
    }

    static func dispatchJSON(_ s: MetalSieveBackend.Statistics) -> JSONValue {
        .object([
            ("count", .integer(s.dispatches)), ("gpu_seconds", .number(s.gpuSeconds)),
            ("mean_seconds", .number(s.dispatches > 0 ? s.gpuSeconds / Double(s.dispatches) : 0)),
            ("longest_seconds", .number(s.longestDispatchSeconds)), ("overflow_reruns", .integer(s.overflows)),
        ])
    }
}

/// `--only W2,T-java`: workloads by id (standard and trial), comma-separated, any case; an id that
/// names no workload is a usage error that lists them.
struct WorkloadSelection: ExpressibleByArgument {
    let ids: Set<String>

    static var allValueStrings: [String] {
        ((try? StandardWorkload.all().map(\.id)) ?? []) + TrialWorkload.all.map(\.id)
    }

    init?(argument: String) {
        let known = Self.allValueStrings
        var ids: Set<String> = []
        for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let id = known.first(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) else { return nil }
            ids.insert(id)
        }
        guard !ids.isEmpty else { return nil }
        self.ids = ids
    }
}
