import Foundation

/// The soak's verdict: PASS, WARN, FAIL, or INCONCLUSIVE when the samples are too noisy to
/// decide, with the reasons, the thresholds and the samples each came from (`KPI_GATE.json`).
///
/// - Any failed iteration beyond `max_failed_iterations`, a canary recall below `canary_recall`,
///   or a chance calibration with |z| above `chance_max_z` fails.
/// - Each workload's median throughput over the iterations is compared with the median of its
///   history in the metrics store (the last `history_window` records of agent `soak.WORKLOAD` on
///   this machine and backend, from other soaks). Below `min_throughput_ratio` it fails, unless
///   the samples or the history vary by more than `max_noise_cv` (coefficient of variation): then it
///   is inconclusive, and a rerun on a quieter machine is advised. With fewer than `min_history`
///   records it warns that throughput was not gated.
/// - A chance calibration with |z| above 2 (but within the limit) warns.
public struct KPIGate: Sendable {
    public enum Verdict: String, Sendable, Codable {
        case pass = "PASS", warn = "WARN", fail = "FAIL", inconclusive = "INCONCLUSIVE"
    }

    /// One workload's throughput check.
    public struct Throughput: Sendable, Equatable {
        public var workload: String
        public var samples: [Double]
        public var history: [Double]
        public var ratio: Double?
        public var minimum: Double
    }

    public var verdict: Verdict
    public var reasons: [String]
    public var throughput: [Throughput]

    /// The median of `values` (nil when empty).
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// The coefficient of variation (sample standard deviation over the mean); 0 with fewer than 2 values.
    public static func variation(_ values: [Double]) -> Double {
        guard values.count >= 2 else { return 0 }
        let mean = values.reduce(0, +) / Double(values.count)
        guard mean != 0 else { return 0 }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return variance.squareRoot() / abs(mean)
    }

    /// The gate over the iterations' `summaries`, with each workload's `history` (seeds per
    /// second, oldest first, already limited to this machine and backend and to other soaks).
    public static func evaluate(_ summaries: [IterationSummary], history: [String: [Double]], thresholds: SoakThresholds) -> KPIGate {
        var fails: [String] = [], inconclusive: [String] = [], warnings: [String] = [], notes: [String] = []
        let failed = summaries.filter { !$0.success }
        if failed.count > thresholds.maxFailedIterations {
            fails.append("\(failed.count) failed iteration\(failed.count == 1 ? "" : "s") (allowed \(thresholds.maxFailedIterations)): "
                + failed.map { "iteration \($0.iteration): \($0.failure ?? "failed")" }.joined(separator: "; "))
        }
        for summary in summaries {
            if let canary = summary.canary, Double(canary.recall) < thresholds.canaryRecall {
                fails.append("iteration \(summary.iteration): canary recall \(canary.recall) (planted seed \(canary.plantedSeed) at skip \(canary.plantedSkip) not recovered; needs \(Int(thresholds.canaryRecall)))")
            }
            if let chance = summary.chance {
                let line = String(format: "iteration %d: chance calibration z = %.2f (observed %d, expected %.1f)", summary.iteration, chance.z, chance.observed, chance.expected)
                if abs(chance.z) > thresholds.chanceMaxZ { fails.append(line + String(format: ", beyond ±%.1f", thresholds.chanceMaxZ)) }
                else if abs(chance.z) > 2 { warnings.append(line + ", beyond ±2") }
            }
        }
        var workloads: [String] = []
        for summary in summaries where summary.success {
            for sample in summary.workloads where !workloads.contains(sample.workload) { workloads.append(sample.workload) }
        }
        var checks: [Throughput] = []
        for workload in workloads {
            let samples = summaries.filter(\.success).flatMap { $0.workloads.filter { $0.workload == workload }.map(\.seedsPerSecond) }
            let past = Array((history[workload] ?? []).suffix(thresholds.historyWindow))
            let minimum = thresholds.minimumRatio(workload)
            var check = Throughput(workload: workload, samples: samples, history: past, ratio: nil, minimum: minimum)
            defer { checks.append(check) }
            guard past.count >= thresholds.minHistory, let now = median(samples), let before = median(past), before > 0 else {
                warnings.append("\(workload): \(past.count) earlier soak record\(past.count == 1 ? "" : "s") on this machine and backend (needs \(thresholds.minHistory)): throughput not gated")
                continue
            }
            let ratio = now / before
            check.ratio = ratio
            let noise = max(variation(samples), variation(past))
            let line = String(format: "%@: median %.4g seeds/s is %.2f× the history's %.4g (minimum %.2f×)", workload, now, ratio, before, minimum)
            if ratio >= minimum {
                notes.append(line)
            } else if noise > thresholds.maxNoiseCv {
                inconclusive.append(line + String(format: ", but the samples vary by %.0f%% (limit %.0f%%): run the soak again on a quieter machine", noise * 100, thresholds.maxNoiseCv * 100))
            } else {
                fails.append(line)
            }
        }
        let verdict: Verdict = !fails.isEmpty ? .fail : (!inconclusive.isEmpty ? .inconclusive : (!warnings.isEmpty ? .warn : .pass))
        return KPIGate(verdict: verdict, reasons: fails + inconclusive + warnings + notes, throughput: checks)
    }

    /// `KPI_GATE.json`: the verdict, the reasons, the thresholds and the samples.
    public func json(thresholds: SoakThresholds, thresholdsSource: String, iterations: Int) throws(InputError) -> JSONValue {
        let encoded = try RunFileCoding.encoder.encode(thresholds)
        return .object([
            ("verdict", .string(verdict.rawValue)), ("reasons", .array(reasons.map(JSONValue.string))),
            ("iterations", .integer(iterations)), ("thresholds_file", .string(thresholdsSource)), ("thresholds", encoded),
            ("throughput", .array(throughput.map { check in
                .object([("workload", .string(check.workload)), ("samples", .array(check.samples.map { .number($0) })),
                         ("history", .array(check.history.map { .number($0) })), ("ratio", .number(check.ratio)),
                         ("minimum_ratio", .number(check.minimum))])
            })),
        ])
    }
}
