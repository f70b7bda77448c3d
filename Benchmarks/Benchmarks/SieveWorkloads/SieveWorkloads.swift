// The sieve's standard workloads (docs/performance.md W1-W5, defined in Sieve's StandardWorkload), on the
// CPU backend's vector lanes, each next to the plain oracle on the same plan as the baseline.
//
// Workload per iteration: 2^20 seeds for the sieve (W4: 2^16), 2^8 seeds for the oracle (W4: 2^4),
// every core. Read throughput × seeds per iteration as seeds/s; the ratio of a workload's two rates
// is its speed-up over the oracle, measured in the same run.

import Benchmark
import Sieve

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .cpuTotal],
        timeUnits: .milliseconds,
        maxDuration: .seconds(3),
        maxIterations: 50)

    let workloads = (try? StandardWorkload.all()) ?? []
    for workload in workloads {
        guard let plan = try? workload.plan() else { continue }
        let heavy = workload.id == "W4"
        let seeds: UInt64 = heavy ? 1 << 16 : 1 << 20
        let oracleSeeds: UInt64 = heavy ? 1 << 4 : 1 << 8
        Benchmark("\(workload.id) sieve, vector lanes, \(seeds) seeds: \(workload.summary)") { benchmark in
            let backend = CPUSieveBackend()
            for _ in benchmark.scaledIterations {
                blackHole(try backend.survivors(of: plan, seeds: SeedRange(first: 0, last: seeds - 1)))
            }
        }
        Benchmark("\(workload.id) plain oracle, \(oracleSeeds) seeds (baseline)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try SieveOracle.survivors(of: plan, seeds: SeedRange(first: 0, last: oracleSeeds - 1)))
            }
        }
    }
}
