import Foundation

/// How much of the score's spread each parameter explains: a cheap estimate, ε² (epsilon
/// squared, Kelley 1935) of the score grouped by the parameter's value.
///
/// The complete trials are grouped by the parameter: one group per distinct value when there are
/// at most ``groups`` of them, else ``groups`` groups of about equal size by rank (equal values
/// always share a group). With n trials, k groups, SS_between = Σ n_g (mean_g − mean)² and
/// SS_total = Σ (score − mean)²,
///
///     ε² = (SS_between − (k − 1) · SS_within / (n − k)) / SS_total,   SS_within = SS_total − SS_between,
///
/// clipped to [0, 1]: the share of the variance the grouping explains, less what k groups would
/// explain by chance (η² = SS_between / SS_total alone reaches 1 with one trial per group). It sees
/// each parameter alone (no interactions), and costs one sort per parameter, where Optuna's fANOVA
/// fits a random forest.
///
/// ```swift
/// let shares = ParameterImportance.estimate([("offset", offsets), ("window_size", windows)], scores: scores)
/// ```
public enum ParameterImportance {
    /// The most groups a parameter's values are split into.
    public static let groups = 10

    /// ε² of `scores` grouped by `values` (one value per trial, in the same order); nil with fewer
    /// than 3 trials, a single group, or scores that do not vary.
    public static func epsilonSquared(values: [Double], scores: [Double]) -> Double? {
        precondition(values.count == scores.count, "one value per score")
        let n = scores.count
        guard n >= 3 else { return nil }
        let labels = groupLabels(values)
        let k = Set(labels).count
        guard k >= 2, n > k else { return nil }
        let mean = scores.reduce(0, +) / Double(n)
        let total = scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        guard total > 0 else { return nil }
        var sums: [Int: (sum: Double, count: Int)] = [:]
        for (label, score) in zip(labels, scores) {
            sums[label, default: (0, 0)].sum += score
            sums[label, default: (0, 0)].count += 1
        }
        let between = sums.values.reduce(0) { partial, group in
            let groupMean = group.sum / Double(group.count)
            return partial + Double(group.count) * (groupMean - mean) * (groupMean - mean)
        }
        let within = max(0, total - between)
        let epsilon = (between - Double(k - 1) * within / Double(n - k)) / total
        return min(1, max(0, epsilon))
    }

    /// Each trial's group: its distinct value's rank when there are at most ``groups`` distinct
    /// values, else the rank-decile of its value's first position in sorted order.
    static func groupLabels(_ values: [Double]) -> [Int] {
        let distinct = Array(Set(values)).sorted()
        if distinct.count <= groups {
            let rank = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($0.element, $0.offset) })
            return values.map { rank[$0]! }
        }
        let sorted = values.sorted()
        var firstPosition: [Double: Int] = [:]
        for (position, value) in sorted.enumerated() where firstPosition[value] == nil { firstPosition[value] = position }
        return values.map { firstPosition[$0]! * groups / values.count }
    }

    /// ε² per parameter, largest first (ties: by name); parameters without an estimate are left out.
    public static func estimate(_ parameters: [(name: String, values: [Double])], scores: [Double]) -> [(name: String, epsilonSquared: Double)] {
        parameters.compactMap { parameter in
            epsilonSquared(values: parameter.values, scores: scores).map { (parameter.name, $0) }
        }.sorted { ($0.epsilonSquared, $1.name) > ($1.epsilonSquared, $0.name) }
    }
}
