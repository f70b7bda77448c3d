import Foundation
import Sieve

/// The auto-tuner's rules: a named measurement over its limit (the driver) maps to deltas of the
/// runtime overrides, with a rationale.
///
/// | driver | over its limit when | suggests |
/// |---|---|---|
/// | `per_chunk_overhead` | writing chunks takes more than `per_chunk_overhead_max` of a trial | `chunk_size` doubled (+ the chunk size in force) |
/// | `thread_scaling` | speed-up per thread below `thread_scaling_min`, with more than 1 thread | `threads` − 1 |
/// | `dispatch_ms` | GPU dispatches outside `dispatch_ms_min`…`dispatch_ms_max` | `dispatch_target_ms` moved by (middle − measured) |
/// | `memory_growth` | peak memory grew more than `memory_growth_max` since iteration 1 | `chunk_size` halved |
/// | `narrower_lane_gain` | the next narrower instruction set runs the first standard workload more than `narrower_lane_gain_max` times as fast | `lane_width` one instruction set narrower (−1) |
public enum DriverRules {
    /// A driver over its limit, and what it suggests.
    public struct Driver: Sendable, Equatable {
        public var name: String
        public var value: Double
        public var deltas: [SoakDelta]
        public var rationale: String
    }

    /// The drivers of `measurements` over `limits`, with the overrides in force.
    ///
    /// - Parameters:
    ///   - defaultThreads: the threads in force when `overrides.threads` is unset.
    ///   - defaultChunkSize: the chunk size in force when `overrides.chunkSize` is unset.
    public static func drivers(_ measurements: IterationSummary.Measurements, overrides: SoakOverrides,
                               limits: SoakThresholds.DriverLimits, defaultThreads: Int, defaultChunkSize: UInt64) -> [Driver] {
        var drivers: [Driver] = []
        let chunk = overrides.chunkSize ?? defaultChunkSize
        if let overhead = measurements.perChunkOverhead, overhead > limits.perChunkOverheadMax {
            drivers.append(Driver(name: "per_chunk_overhead", value: overhead,
                                  deltas: [SoakDelta(key: .chunkSize, change: Double(chunk), base: Int(chunk))],
                                  rationale: String(format: "per_chunk_overhead=%.1f%% (driver, limit %.1f%%) → chunk_size +%llu (×2)",
                                                    overhead * 100, limits.perChunkOverheadMax * 100, chunk)))
        }
        let threads = overrides.threads ?? defaultThreads
        if let scaling = measurements.threadScaling, scaling < limits.threadScalingMin, threads > 1 {
            drivers.append(Driver(name: "thread_scaling", value: scaling,
                                  deltas: [SoakDelta(key: .threads, change: -1, base: threads)],
                                  rationale: String(format: "thread_scaling=%.2f (driver, limit %.2f) → threads −1 (%d → %d)",
                                                    scaling, limits.threadScalingMin, threads, threads - 1)))
        }
        if let dispatch = measurements.dispatchMs, dispatch < limits.dispatchMsMin || dispatch > limits.dispatchMsMax {
            let middle = (limits.dispatchMsMin + limits.dispatchMsMax) / 2
            drivers.append(Driver(name: "dispatch_ms", value: dispatch,
                                  deltas: [SoakDelta(key: .dispatchTargetMs, change: middle - dispatch, base: Int(middle))],
                                  rationale: String(format: "dispatch_ms=%.1f (driver, limits %.0f–%.0f) → dispatch_target_ms %+.1f",
                                                    dispatch, limits.dispatchMsMin, limits.dispatchMsMax, middle - dispatch)))
        }
        if let growth = measurements.memoryGrowth, growth > limits.memoryGrowthMax {
            let change = -Double(chunk / 2)
            drivers.append(Driver(name: "memory_growth", value: growth,
                                  deltas: [SoakDelta(key: .chunkSize, change: change, base: Int(chunk))],
                                  rationale: String(format: "memory_growth=%.1f%% (driver, limit %.1f%%) → chunk_size %.0f (÷2)",
                                                    growth * 100, limits.memoryGrowthMax * 100, change)))
        }
        if let gain = measurements.narrowerLaneGain, gain > limits.narrowerLaneGainMax, let current = measurements.laneWidth,
           let narrower = measurements.narrowerLaneWidth {
            let index = CPUSieveBackend.InstructionSet.supported.firstIndex { $0.name == current } ?? 0
            drivers.append(Driver(name: "narrower_lane_gain", value: gain,
                                  deltas: [SoakDelta(key: .laneWidth, change: -1, base: index)],
                                  rationale: String(format: "narrower_lane_gain=%.2f (driver, limit %.2f) → lane_width −1 (%@ → %@)",
                                                    gain, limits.narrowerLaneGainMax, current, narrower)))
        }
        return drivers
    }

    /// The drivers' deltas summed per key, as `ITER_SUMMARY`'s `suggested_deltas` holds them.
    public static func deltas(_ drivers: [Driver]) -> [String: Double] {
        var sums: [String: Double] = [:]
        for delta in drivers.flatMap(\.deltas) { sums[delta.key.rawValue, default: 0] += delta.change }
        return sums
    }
}
