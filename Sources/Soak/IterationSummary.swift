import Foundation

/// One soak iteration, as `ITER_SUMMARY_<n>.json` holds it: what ran with which overrides, what
/// it measured, the drivers over their limits, the deltas they suggest and the overrides the next
/// iteration runs with.
public struct IterationSummary: Codable, Sendable, Equatable {
    /// One workload's throughput.
    public struct WorkloadSample: Codable, Sendable, Equatable {
        public var workload: String
        public var seeds: UInt64
        public var seconds: Double
        public var seedsPerSecond: Double
        public var threads: Int
        public var backend: String

        public init(workload: String, seeds: UInt64, seconds: Double, threads: Int, backend: String) {
            self.workload = workload
            self.seeds = seeds
            self.seconds = seconds
            self.seedsPerSecond = seconds > 0 ? Double(seeds) / seconds : 0
            self.threads = threads
            self.backend = backend
        }
    }

    /// The planted canary search: a window search over a history planted from a known seed.
    public struct CanarySample: Codable, Sendable, Equatable {
        public var plantedSeed: UInt64
        public var plantedSkip: Int
        public var trials: Int
        /// The best trial's recovered seed (nil: no survivor).
        public var recoveredSeed: UInt64?
        /// 1 when the planted seed was recovered, else 0.
        public var recall: Int
    }

    /// Chance calibration: survivors of random draws against the analytic expectation.
    public struct ChanceSample: Codable, Sendable, Equatable {
        public var seeds: UInt64
        public var observed: Int
        public var expected: Double
        /// (observed − expected) / √expected: the count's Poisson standard scores.
        public var z: Double
    }

    /// What limits the iteration: the driver rules' measurements (nil where not measured).
    public struct Measurements: Codable, Sendable, Equatable {
        /// The share of the trial workload's wall time spent writing chunks (journal lines, survivors, fsyncs).
        public var perChunkOverhead: Double?
        /// Speed-up at every thread over one thread, divided by the threads (1 is perfect).
        public var threadScaling: Double?
        /// GPU milliseconds per dispatch, on average (GPU backends only).
        public var dispatchMs: Double?
        /// The process's peak resident memory so far, in MiB.
        public var peakResidentMebibytes: Double
        /// Peak memory against the first iteration's, less 1 (0.1: 10 % more).
        public var memoryGrowth: Double?
        /// The CPU's instruction set in force, the next narrower one, and the first standard
        /// workload's rate on the narrower one over its rate on the one in force (CPU only; nil
        /// on the narrowest).
        public var laneWidth: String? = nil
        public var narrowerLaneWidth: String? = nil
        public var narrowerLaneGain: Double? = nil
    }

    public var iteration: Int
    public var success: Bool
    /// Why the iteration failed (nil when it succeeded).
    public var failure: String?
    public var overrides: SoakOverrides
    public var workloads: [WorkloadSample]
    public var canary: CanarySample?
    public var chance: ChanceSample?
    public var measurements: Measurements
    /// The drivers over their limits, by name.
    public var drivers: [String]
    /// The deltas they suggest, as `{"chunk_size": 262144, …}`.
    public var suggestedDeltas: [String: Double]
    public var rationale: [String]
    /// This iteration's own checks (canary, chance, failure): PASS, WARN or FAIL.
    public var kpi: String
    /// The overrides the next iteration runs with (the deltas applied under --auto-tune).
    public var nextOverrides: SoakOverrides
    public var finished: String

    public static func fileName(_ iteration: Int) -> String { "ITER_SUMMARY_\(iteration).json" }

    /// The geometric mean of the workloads' seeds per second: the iteration's headline figure
    /// (workloads differ by orders of magnitude; each weighs the same). Nil without a sample.
    public var seedsPerSecondGeometricMean: Double? {
        let rates = workloads.map(\.seedsPerSecond).filter { $0 > 0 }
        return rates.isEmpty ? nil : exp(rates.map { log($0) }.reduce(0, +) / Double(rates.count))
    }
}
