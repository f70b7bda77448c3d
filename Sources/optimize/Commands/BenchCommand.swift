import ArgumentParser
import Foundation
import Sieve

/// `optimize bench`: the standard workloads, measured against the plain oracle in the same run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the sieve on the standard workloads W1-W5 (see the README), against the plain oracle.",
        discussion: "Build with -c release to measure. Each figure names its workload; the ratio compares one core of the backend with the oracle on one core, measured in the same run.")

    @Flag(help: "Sweep fewer seeds per workload (seconds instead of minutes).")
    var quick = false

    @Option(help: ArgumentHelp("Run only these workloads, comma-separated (W1,...,W5).", valueName: "ids"))
    var only: String?

    @Flag(help: "Measure brute force: no low-bit class pruning (which skips most seeds of W2, W3 and W5).")
    var noPrune = false

    @Option(help: "Threads for the sieve (default: every core).")
    var threads: Int?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let threads = max(1, self.threads ?? CPUKernel.defaultThreadCount)
        var workloads = try StandardWorkload.all()
        if let only {
            let wanted = Set(only.uppercased().split(separator: ",").map(String.init))
            workloads = workloads.filter { wanted.contains($0.id) }
        }
        var results: [BenchmarkResult] = []
        for workload in workloads {
            if !json { StandardError.write("running \(workload.id): \(workload.summary)…") }
            results.append(try BenchmarkResult.measure(workload, quick: quick, backend: CPUSieveBackend(threads: threads, pruneLowBitClasses: !noPrune), threads: threads))
        }
        if json {
            let entries: [JSONOutput] = results.map { r in
                .object([
                    "workload": .string(r.workload.id), "description": .string(r.workload.summary),
                    "backend": .string(r.backend), "threads": .int(r.threads), "seeds": .unsigned(r.seeds),
                    "seconds": .double(r.seconds), "cpu_seconds": .double(r.cpuSeconds),
                    "seeds_per_second": .double(r.seedsPerSecond),
                    "seeds_per_cpu_second": .double(r.seedsPerCPUSecond),
                    "hypotheses_per_second": .double(r.hypothesesPerSecond), "survivors": .int(r.survivors),
                    "oracle_seeds": .unsigned(r.oracleSeeds), "oracle_seeds_per_cpu_second": .double(r.oracleSeedsPerCPUSecond),
                    "ratio_to_oracle_per_core": .double(r.ratioToOracle),
                ])
            }
            print(JSONOutput.object(["quick": .bool(quick), "pruning": .bool(!noPrune), "results": .array(entries)]).rendered())
            return
        }
        var rows = [["workload", "seeds", "wall", "seeds/s", "hypotheses/s", "threads", "seeds/core-s", "oracle/core-s", "× oracle"]]
        for r in results {
            rows.append([
                r.workload.id, ProgressDisplay.count(Double(r.seeds)), String(format: "%.2f s", r.seconds),
                ProgressDisplay.count(r.seedsPerSecond), ProgressDisplay.count(r.hypothesesPerSecond), "\(r.threads)",
                ProgressDisplay.count(r.seedsPerCPUSecond), ProgressDisplay.count(r.oracleSeedsPerCPUSecond),
                String(format: "%.0f", r.ratioToOracle),
            ])
        }
        print(TextTable.render(rows).joined(separator: "\n"))
        print("seeds/core-s: seeds per second of processor time (per core); × oracle compares it with the plain oracle's, measured in this run")
        for r in results { print("\(r.workload.id): \(r.workload.summary)") }
    }
}
