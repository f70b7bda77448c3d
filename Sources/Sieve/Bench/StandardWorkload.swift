import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The standard workloads of docs/performance.md, which every throughput figure names.
///
/// Each sieves random draws (M = 1000) with a window at the start of the history and no reverse
/// test, so that the figures measure the sieve, not chance survivors.
public struct StandardWorkload: Sendable, Identifiable {
    public let id: String
    public let summary: String
    public let parameters: SieveParameters
    /// Seeds a full run sweeps, and a quick run.
    public let fullSeeds: UInt64
    public let quickSeeds: UInt64
    /// Seeds the plain oracle runs, for the baseline rate.
    public let oracleSeeds: UInt64

    public static func all() throws -> [StandardWorkload] {
        func make(_ id: String, _ summary: String, _ prng: PRNGConfiguration, window: Int, skips: ClosedRange<UInt32>,
                  threshold: Threshold, full: UInt64, quick: UInt64, oracle: UInt64) -> StandardWorkload {
            StandardWorkload(
                id: id, summary: summary,
                parameters: SieveParameters(prng: prng, modulus: 1000, window: window, offset: 0, skips: skips, forwardThreshold: threshold),
                fullSeeds: full, quickSeeds: quick, oracleSeeds: oracle)
        }
        let lcgWrap = try PRNGConfiguration(family: .family(.lcg32), parameters: ["m": 0])
        return [
            make("W1", "mt19937, k = 10, skip 0, 10/10 matches, M = 1000", PRNGConfiguration(.mt19937), window: 10, skips: 0...0,
                 threshold: .matches(10), full: 1 << 32, quick: 1 << 24, oracle: 1 << 12),
            make("W2", "lcg32 mod 2^32, k = 100, skip 0, 50/100 matches", lcgWrap, window: 100, skips: 0...0,
                 threshold: .matches(50), full: 1 << 32, quick: 1 << 26, oracle: 1 << 12),
            make("W3", "java_lcg, k = 100, skip 0, 50/100 matches", PRNGConfiguration(.java_lcg), window: 100, skips: 0...0,
                 threshold: .matches(50), full: 1 << 31, quick: 1 << 25, oracle: 1 << 12),
            make("W4", "lcg32 (m = 2^31 - 1), k = 512, skips 0-20, threshold 0.01", PRNGConfiguration(.lcg32), window: 512, skips: 0...20,
                 threshold: try Threshold(fraction: "0.01"), full: 1 << 23, quick: 1 << 20, oracle: 1 << 6),
            make("W5", "java_lcg, k = 30, skips 0-16, threshold 0.5", PRNGConfiguration(.java_lcg), window: 30, skips: 0...16,
                 threshold: try Threshold(fraction: "0.5"), full: 1 << 30, quick: 1 << 24, oracle: 1 << 10),
        ]
    }

    /// Random draws (a fixed generator) for the window.
    public func plan() throws -> SievePlan {
        var random = SplitMix64(seed: 0xBE4C_0000 + UInt64(id.utf8.last ?? 0))
        let residues = (0..<parameters.window).map { _ in UInt32(random.below(parameters.modulus)) }
        return try SievePlan(parameters: parameters, residues: residues)
    }
}

/// One workload's measured figures.
public struct BenchmarkResult: Sendable {
    public let workload: StandardWorkload
    public let backend: String
    public let threads: Int
    public let seeds: UInt64
    /// Wall time, and processor time summed over threads (which a busy machine disturbs less).
    public let seconds: Double
    public let cpuSeconds: Double
    public let survivors: Int
    public let oracleSeeds: UInt64
    public let oracleCPUSeconds: Double

    public var seedsPerSecond: Double { Double(seeds) / seconds }
    /// Seeds per second of one core's time: the per-core rate.
    public var seedsPerCPUSecond: Double { Double(seeds) / cpuSeconds }
    /// Seeds × skips per second.
    public var hypothesesPerSecond: Double { seedsPerSecond * Double(workload.parameters.skips.count) }
    /// The oracle's rate on one core.
    public var oracleSeedsPerCPUSecond: Double { Double(oracleSeeds) / oracleCPUSeconds }
    /// How many times faster than the plain oracle, core for core (processor time on both sides).
    public var ratioToOracle: Double { seedsPerCPUSecond / oracleSeedsPerCPUSecond }

    /// Runs the workload on `backend` (its full or quick seed count, or `seeds` when given), and
    /// the oracle on its baseline seeds.
    public static func measure(_ workload: StandardWorkload, quick: Bool, backend: SieveBackend, threads: Int,
                               seeds: UInt64? = nil) throws -> BenchmarkResult {
        let plan = try workload.plan()
        let seeds = seeds ?? (quick ? workload.quickSeeds : workload.fullSeeds)
        // Chunks of 2^26 seeds keep memory small; the time is the sum.
        let clock = ContinuousClock()
        var survivors = 0
        let cpuBefore = processorSeconds()
        let elapsed = try clock.measure {
            var first: UInt64 = 0
            while first < seeds {
                let last = min(seeds, first + (1 << 26)) - 1
                survivors += try backend.survivors(of: plan, seeds: SeedRange(first: first, last: last)).count
                first = last + 1
            }
        }
        let cpuAfter = processorSeconds()
        _ = try SieveOracle.survivors(of: plan, seeds: SeedRange(first: 0, last: workload.oracleSeeds - 1))
        let oracleCPU = processorSeconds() - cpuAfter
        return BenchmarkResult(
            workload: workload, backend: backend.name, threads: threads, seeds: seeds, seconds: elapsed.seconds,
            cpuSeconds: cpuAfter - cpuBefore, survivors: survivors, oracleSeeds: workload.oracleSeeds,
            oracleCPUSeconds: oracleCPU)
    }
}

/// User plus system time of this process so far, in seconds (summed over its threads).
public func processorSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
