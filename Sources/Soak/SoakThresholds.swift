import Foundation

/// The KPI gate's thresholds and the driver rules' limits, from the repository's committed
/// `kpi_thresholds.json` (or `--thresholds FILE`). Every key must be present: a file that misses
/// one is an error naming it, not a silent default.
public struct SoakThresholds: Codable, Sendable, Equatable {
    /// The lowest median throughput, as a fraction of the metrics store's recent median on the
    /// same machine and backend, by workload (`default` for the rest).
    public var minThroughputRatio: [WorkloadRatio]

    /// One workload's minimum ratio (a list, not an object: workload names are case-sensitive
    /// values, not keys).
    public struct WorkloadRatio: Codable, Sendable, Equatable {
        public var workload: String
        public var ratio: Double
    }
    /// How many of the store's most recent records of a workload make its history.
    public var historyWindow: Int
    /// The fewest history records that gate throughput; with fewer it is a warning.
    public var minHistory: Int
    /// The largest coefficient of variation (standard deviation / mean) of the samples or the
    /// history at which a throughput shortfall is a failure; noisier, it is inconclusive.
    public var maxNoiseCv: Double
    /// The canary recall every iteration must reach.
    public var canaryRecall: Double
    /// The largest |z| of the chance calibration that passes; beyond 2 it warns.
    public var chanceMaxZ: Double
    /// Iterations that may fail (0: none).
    public var maxFailedIterations: Int
    /// The driver rules' limits.
    public var drivers: DriverLimits

    public struct DriverLimits: Codable, Sendable, Equatable {
        public var perChunkOverheadMax: Double
        public var threadScalingMin: Double
        public var dispatchMsMin: Double
        public var dispatchMsMax: Double
        public var memoryGrowthMax: Double
        /// The largest speed-up the next narrower instruction set may show before the rule
        /// suggests it (1.05: 5 % faster on narrower lanes).
        public var narrowerLaneGainMax: Double
    }

    public static let fileName = "kpi_thresholds.json"

    /// The minimum throughput ratio of `workload`.
    public func minimumRatio(_ workload: String) -> Double {
        (minThroughputRatio.first { $0.workload == workload } ?? minThroughputRatio.first { $0.workload == "default" })?.ratio ?? 0
    }

    /// Reads the thresholds file at `path`.
    public static func read(_ path: FilePath) throws(InputError) -> SoakThresholds {
        guard let bytes = try FileIO.contents(of: path) else {
            throw InputError(.unreadableFile, source: path.string, problem: "does not exist",
                             fix: "run from the repository's root (which holds \(fileName)), or give --thresholds FILE")
        }
        let json: JSONValue
        do { json = try JSONReader.parse(bytes) } catch {
            throw InputError(.invalidOption, source: path.string, problem: "is not valid JSON: \(error)", fix: "restore it from the repository")
        }
        let thresholds = try RunFileCoding.plainDecoder.decode(SoakThresholds.self, from: json, source: path.string, kind: .invalidOption)
        guard thresholds.minThroughputRatio.contains(where: { $0.workload == "default" }) else {
            throw InputError(.invalidOption, source: "\(path.string): min_throughput_ratio", problem: "has no \"default\"",
                             fix: "give the ratio for workloads not listed as \"default\"")
        }
        return thresholds
    }
}
