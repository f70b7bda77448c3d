import ArgumentParser
import Foundation
import Sieve
import SieveMetal
import Soak

/// `optimize soak --iterations N [--auto-tune] [--overrides JSON|FILE] [--quick] --out DIR`.
struct SoakCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Run N iterations of the benchmarks, a planted canary search and a chance check, optionally auto-tuning the runtime overrides, then the KPI gate.",
        discussion: """
            Each iteration prints three `| iter_watch | SUMMARY/SUGGEST/RATIONALE |` lines and writes \
            ITER_SUMMARY_<n>.json; TUNING_REPORT.json gathers them; KPI_GATE.json holds the verdict, its reasons, \
            the thresholds (kpi_thresholds.json, or --thresholds) and the samples. The same command resumes a \
            killed soak. Exit status: 0 PASS or WARN, 1 FAIL, 3 INCONCLUSIVE (the samples are too noisy to \
            decide: run it again on a quieter machine); 130/143 stopped by SIGINT/SIGTERM; bad input keeps its own status.
            """)

    @Option(help: "Iterations to run (at least 1).")
    var iterations: Int

    @Flag(help: "Apply the driver rules' suggested deltas to the overrides of the next iteration.")
    var autoTune = false

    @Option(help: ArgumentHelp("Runtime overrides: a JSON object or a file holding one (keys threads, chunk_size, lane_width, dispatch_target_ms); empty or absent: default_overrides.json of the current directory.",
                               valueName: "json|file"))
    var overrides: String?

    @Flag(help: "Quick workloads (their quick seed counts; the canary and chance checks on small ranges).")
    var quick = false

    @Option(help: ArgumentHelp("Workloads, comma-separated (default: W1-W5 and T-java).", valueName: "ids"))
    var only: WorkloadSelection?

    @Option(help: ArgumentHelp("Seeds per workload, instead of their quick or full counts.", valueName: "n"))
    var seeds: String?

    @Option(help: ArgumentHelp("The KPI gate's thresholds (default: kpi_thresholds.json of the current directory).", valueName: "file"))
    var thresholds: String = SoakThresholds.fileName

    @Option(help: "The soak's directory (created; the same command resumes it).")
    var out: String

    @OptionGroup var metrics: MetricsOptions
    @OptionGroup var backendOptions: BackendOptions

    /// The default workloads: every standard one and the java_lcg trial.
    static let defaultWorkloads = ["W1", "W2", "W3", "W4", "W5", "T-java"]

    /// The exit status of an inconclusive gate.
    static let inconclusiveStatus: Int32 = 3

    func validate() throws {
        try validating { () throws(InputError) in
            guard iterations >= 1 else {
                throw InputError(.invalidOption, source: "--iterations", problem: "\(iterations) iterations", fix: "give at least 1")
            }
        }
    }

    func run() throws {
        var status: Int32 = 0
        try reportingErrors {
            let seedCount = try seeds.map { text throws(InputError) in try parseUnsignedInteger(text, option: "--seeds") }
            if seedCount == 0 { throw InputError(.invalidOption, source: "--seeds", problem: "0 seeds", fix: "give at least 1") }
            let thresholdsPath = FilePath(thresholds)
            let limits = try SoakThresholds.read(thresholdsPath)
            let (initial, source, seeded) = try SoakOverrides.read(overrides, defaults: FilePath(SoakOverrides.defaultsFileName))
            if seeded { Self.say("| seed | overrides | \(SoakOverrides.defaultsFileName) |") }
            let workloads = only.map { selection in (Self.defaultWorkloads + WorkloadSelection.allValueStrings).filter(selection.ids.contains) }
                ?? Self.defaultWorkloads
            let deduplicated = workloads.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            let probe = try backendOptions.select()
            let request = SoakRun.Manifest(
                format: SoakRun.Manifest.currentFormat, runId: UUID().uuidString, iterations: iterations, autoTune: autoTune, quick: quick,
                workloads: deduplicated, seeds: seedCount, backend: probe.name, overrides: initial, overridesSource: source,
                thresholdsSource: thresholds, created: Timestamp.now())
            let store = metrics.noMetrics ? nil : try metrics.directory.store()
            let soak = try SoakRun(directory: FilePath(out), request: request, thresholds: limits, store: store)
            if soak.summaries.count > 0 {
                Self.say("| resume | \(out) | \(soak.summaries.count) of \(iterations) iterations done |")
            }
            let stop = SignalStop()
            let backendRequest = backendOptions.backend
            let gate = try soak.run(makeBackend: { overrides in try Self.backend(backendRequest, overrides) },
                                    defaultThreads: CPUKernel.defaultThreadCount,
                                    canaryPlacement: ProcessInfo.processInfo.environment[SoakIteration.canaryVariable],
                                    observer: { event in
                                        switch event {
                                        case .line(let line): Self.say(line)
                                        case .iterationStarted(let n): StandardError.write("soak: iteration \(n) of \(iterations)…")
                                        }
                                    }, shouldStop: { stop.requested })
            guard let gate else {
                StandardError.write("soak stopped by signal after \(soak.summaries.count) of \(iterations) iterations; the same command resumes it")
                status = stop.exitStatus
                return
            }
            Self.say("| kpi_gate | verdict=\(gate.verdict.rawValue) |")
            for reason in gate.reasons { Self.say("  \(reason)") }
            Self.say("wrote \(out)/\(SoakRun.gateName), \(out)/\(SoakRun.tuningReportName) and \(soak.summaries.count) iteration summaries")
            switch gate.verdict {
            case .pass, .warn: status = 0
            case .fail: status = 1
            case .inconclusive: status = Self.inconclusiveStatus
            }
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// Writes a line to standard output at once (unbuffered): a watcher tailing the soak's
    /// output sees each iteration's lines as it ends, and they stay in order with standard error.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// The backend for `overrides`: threads and lane width on the CPU, the dispatch target on a GPU.
    static func backend(_ request: BackendRequest, _ overrides: SoakOverrides) throws -> SoakBackend {
        let threads = max(1, overrides.threads ?? CPUKernel.defaultThreadCount)
        let isa = overrides.laneWidth.flatMap { name in CPUSieveBackend.InstructionSet.supported.first { $0.name == name } } ?? .best
        var metal = MetalSieveBackend.Configuration()
        if let target = overrides.dispatchTargetMs { metal.sizing.targetSeconds = target / 1000 }
        let selection = try BackendSelection.make(request, cpu: CPUSieveBackend(threads: threads, instructionSet: isa), metal: metal)
        if let gpu = selection.backend as? MetalSieveBackend {
            return SoakBackend(backend: gpu, name: selection.name, threads: gpu.context.isEmulated ? threads : 1,
                               dispatches: { let s = gpu.statistics; return (s.dispatches, s.gpuSeconds) },
                               resetDispatches: { gpu.resetStatistics() })
        }
        return SoakBackend(backend: selection.backend, name: selection.name, threads: threads)
    }
}
