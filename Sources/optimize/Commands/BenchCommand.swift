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
            backend with the oracle on one core, measured in the same run. On a GPU (--backend metal on a Mac) \
            processor time says nothing about the work, so the per-core columns are left out and seeds/s is the \
            figure; each workload also reports its dispatches and their GPU times, and the README lists the \
            throughput the cost model expects per Apple GPU.
            """)

    @Flag(help: "Sweep fewer seeds per workload (seconds instead of minutes).")
    var quick = false

    @Option(help: ArgumentHelp("Run only these workloads, comma-separated.", valueName: "ids"))
    var only: WorkloadSelection?

    @Option(help: ArgumentHelp("Seeds per workload, instead of the full or quick count.", valueName: "n"))
    var seeds: String?

    @Flag(help: "Measure brute force: no low-bit class pruning (which skips most seeds of W2, W3 and W5 on either backend).")
    var noPrune = false

    @Option(help: "Threads for the sieve on the CPU (default: every core).")
    var threads: Int?

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var backendOptions: BackendOptions

    func run() throws {
        try reportingErrors { try measure() }
    }

    func measure() throws {
        let cpuThreads = max(1, self.threads ?? CPUKernel.defaultThreadCount)
        var seedCount: UInt64?
        if let seeds {
            seedCount = try parseUnsignedInteger(seeds, option: "--seeds")
            guard seedCount ?? 0 >= 1 else {
                throw InputError(.invalidOption, source: "--seeds", problem: "0 seeds", fix: "give at least 1")
            }
        }
        let selection = try backendOptions.select(cpu: CPUSieveBackend(threads: cpuThreads, pruneLowBitClasses: !noPrune),
                                                  metal: MetalSieveBackend.Configuration(pruneLowBitClasses: !noPrune))
        let metal = selection.backend as? MetalSieveBackend
        // A GPU counts as one "thread"; the CPU and the emulated GPU use the CPU threads.
        let onGPU = metal.map { !$0.context.isEmulated } ?? false
        let threads = onGPU ? 1 : cpuThreads
        var workloads = try StandardWorkload.all()
        if let only {
            workloads = workloads.filter { only.ids.contains($0.id) }
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
            print(JSONValue.object([
                ("quick", .bool(quick)), ("pruning", .bool(!noPrune && metal == nil)), ("backend", .string(selection.name)),
                ("backend_summary", .string(selection.summary)), ("results", .array(entries)),
            ]).prettyText)
            return
        }
        var rows = [["workload", "seeds", "wall", "seeds/s", "hypotheses/s", "threads", "seeds/core-s", "oracle/core-s", "× oracle"]]
        for r in results {
            rows.append([
                r.workload.id, ProgressDisplay.count(Double(r.seeds)), String(format: "%.2f s", r.seconds),
                ProgressDisplay.count(r.seedsPerSecond), ProgressDisplay.count(r.hypothesesPerSecond), "\(r.threads)",
                onGPU ? "-" : ProgressDisplay.count(r.seedsPerCPUSecond), ProgressDisplay.count(r.oracleSeedsPerCPUSecond),
                onGPU ? "-" : String(format: "%.0f", r.ratioToOracle),
            ])
        }
        print(selection.summary)
        print(TextTable.render(rows).joined(separator: "\n"))
        print("seeds/core-s: seeds per second of processor time (per core); × oracle compares it with the plain oracle's, measured in this run")
        for r in results {
            print("\(r.workload.id): \(r.workload.summary)")
            if let s = dispatches[r.workload.id], s.dispatches > 0 {
                print(String(format: "    %ld dispatches, %.1f ms of GPU time each on average, the longest %.1f ms; %ld overflow re-runs",
                             s.dispatches, s.gpuSeconds / Double(s.dispatches) * 1000, s.longestDispatchSeconds * 1000, s.overflows))
            }
        }
    }

    static func dispatchJSON(_ s: MetalSieveBackend.Statistics) -> JSONValue {
        .object([
            ("count", .integer(s.dispatches)), ("gpu_seconds", .number(s.gpuSeconds)),
            ("mean_seconds", .number(s.dispatches > 0 ? s.gpuSeconds / Double(s.dispatches) : 0)),
            ("longest_seconds", .number(s.longestDispatchSeconds)), ("overflow_reruns", .integer(s.overflows)),
        ])
    }
}

/// `--only W2,W5`: standard workloads by id, comma-separated, any case; an id that names no
/// workload is a usage error that lists them.
struct WorkloadSelection: ExpressibleByArgument {
    let ids: Set<String>

    static var allValueStrings: [String] { (try? StandardWorkload.all().map(\.id)) ?? [] }

    init?(argument: String) {
        let ids = Set(argument.uppercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        guard !ids.isEmpty, ids.isSubset(of: Self.allValueStrings) else { return nil }
        self.ids = ids
    }
}
