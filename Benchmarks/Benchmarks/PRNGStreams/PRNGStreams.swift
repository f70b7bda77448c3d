// PRNG stream throughput through the CPU kernel path (`prng_generate`, per-thread kernels).
//
// Workload per benchmark iteration: 4,096 consecutive seeds × 64 outputs each (skip 0, burn 0),
// every family with its default parameters, all cores. The figure to read is outputs/s, i.e.
// throughput × 262,144. This measures the per-thread kernels that also emulate Metal dispatches;
// the sieve's SIMD-lane kernels are measured by the Sieve suites and `optimize bench`.

import Benchmark
import Sieve

let seedsPerIteration = 4096
let outputsPerSeed = 64

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput],
        timeUnits: .microseconds,
        maxDuration: .seconds(2),
        maxIterations: 1000)

    for family in PRNGFamily.all {
        let configuration = PRNGConfiguration(family.id)
        Benchmark("prng_generate \(family.name) 4096 seeds x 64 outputs") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try configuration.outputs(
                    firstSeed: 1, seedCount: seedsPerIteration, count: outputsPerSeed))
            }
        }
    }
}
