import ArgumentParser
import Foundation
import Sieve
import SieveMetal

/// `optimize bench`: the standard workloads, measured against the plain oracle in the same run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the sieve on the standard workloads W1-W5 (see the README), against the plain oracle.",
        discussion: """
            Build with -c release to measure. Each figure names its workload; the ratio compares one core of the \
            backend with the oracle on one core, measured in the same run (for a GPU, "threads" is 1: the whole \
            GPU against one core). With --backend metal, each workload also reports its dispatches and their GPU \
            times; the README lists the throughput the cost model expects per Apple GPU.
            """)

    @Flag(help: "Sweep fewer seeds per workload (seconds instead of minutes).")
    var quick = false

    @Option(help: ArgumentHelp("Run only these workloads, comma-separated (W1,...,W5).", valueName: "ids"))
    var only: String?

    @Option(help: ArgumentHelp("Seeds per workload, instead of the full or quick count.", valueName: "n"))
    var seeds: String?

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var backendOptions: BackendOptions

    func run() throws {
        try reportingErrors { try measure() }
    }

    func measure() throws {
        let cpuThreads = CPUKernel.defaultThreadCount
        var seedCount: UInt64?
        if let seeds {
            seedCount = try parseUnsignedInteger(seeds, option: "--seeds")
            guard seedCount ?? 0 >= 1 else {
                throw InputError(.invalidOption, source: "--seeds", problem: "0 seeds", fix: "give at least 1")
            }
        }
        let selection = try backendOptions.select(cpu: CPUSieveBackend(threads: cpuThreads))
        let metal = selection.backend as? MetalSieveBackend
        // A GPU counts as one "thread" (the ratio compares it whole with one core); the CPU and the
        // emulated GPU use every core.
        let threads = metal.map { $0.context.isEmulated ? cpuThreads : 1 } ?? cpuThreads
        var workloads = try StandardWorkload.all()
        if let only {
            let wanted = Set(only.uppercased().split(separator: ",").map(String.init))
            workloads = workloads.filter { wanted.contains($0.id) }
        }
        var results: [BenchmarkResult] = []
        var dispatches: [String: MetalSieveBackend.Statistics] = [:]
        for workload in workloads {
            if !json { StandardError.write("running \(workload.id): \(workload.summary)…") }
            metal?.resetStatistics()
            results.append(try BenchmarkResult.measure(workload, quick: quick, backend: selection.backend, threads: threads,
                                                       seeds: seedCount))
            if let metal { dispatches[workload.id] = metal.statistics }
        }
        if json {
            let entries: [JSONOutput] = results.map { r in
                .object([
                    "workload": .string(r.workload.id), "description": .string(r.workload.summary),
                    "backend": .string(r.backend), "threads": .int(r.threads), "seeds": .unsigned(r.seeds),
                    "seconds": .double(r.seconds), "seeds_per_second": .double(r.seedsPerSecond),
                    "seeds_per_second_per_thread": .double(r.seedsPerSecond / Double(r.threads)),
                    "hypotheses_per_second": .double(r.hypothesesPerSecond), "survivors": .int(r.survivors),
                    "oracle_seeds": .unsigned(r.oracleSeeds), "oracle_seeds_per_second": .double(r.oracleSeedsPerSecond),
                    "ratio_to_oracle_per_core": .double(r.ratioToOracle),
                    "dispatches": dispatches[r.workload.id].map { Self.dispatchJSON($0) } ?? .null,
                ])
            }
            print(JSONOutput.object([
                "quick": .bool(quick), "backend": .string(selection.name), "backend_summary": .string(selection.summary),
                "results": .array(entries),
            ]).rendered())
            return
        }
        var rows = [["workload", "seeds", "wall", "seeds/s", "per thread", "hypotheses/s", "threads", "oracle/s", "× oracle (per core)"]]
        for r in results {
            rows.append([
                r.workload.id, ProgressDisplay.count(Double(r.seeds)), String(format: "%.2f s", r.seconds),
                ProgressDisplay.count(r.seedsPerSecond), ProgressDisplay.count(r.seedsPerSecond / Double(r.threads)),
                ProgressDisplay.count(r.hypothesesPerSecond), "\(r.threads)", ProgressDisplay.count(r.oracleSeedsPerSecond),
                String(format: "%.0f", r.ratioToOracle),
            ])
        }
        print(selection.summary)
        print(TextTable.render(rows).joined(separator: "\n"))
        for r in results {
            print("\(r.workload.id): \(r.workload.summary)")
            if let s = dispatches[r.workload.id], s.dispatches > 0 {
                print(String(format: "    %ld dispatches, %.1f ms of GPU time each on average, the longest %.1f ms; %ld overflow re-runs",
                             s.dispatches, s.gpuSeconds / Double(s.dispatches) * 1000, s.longestDispatchSeconds * 1000, s.overflows))
            }
        }
    }

    static func dispatchJSON(_ s: MetalSieveBackend.Statistics) -> JSONOutput {
        .object([
            "count": .int(s.dispatches), "gpu_seconds": .double(s.gpuSeconds),
            "mean_seconds": .double(s.dispatches > 0 ? s.gpuSeconds / Double(s.dispatches) : 0),
            "longest_seconds": .double(s.longestDispatchSeconds), "overflow_reruns": .int(s.overflows),
        ])
    }
}
