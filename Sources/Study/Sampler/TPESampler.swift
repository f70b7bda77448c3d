import Foundation
import Sieve

/// The Tree-structured Parzen Estimator, with Optuna 5.0's defaults (OPTIMIZER.md §1): random
/// startup trials, then a multivariate TPE that draws candidates from the good trials' mixture
/// l(x) and keeps the one with the largest log l(x) − log g(x).
///
/// The sampler holds no state. The proposal for trial n is a pure function of the seed, the space,
/// the direction and the finished trials it is shown, with randomness from
/// ``TrialRandomness/generator(seed:trial:)``; so a study resumed from its journal proposes exactly
/// what an uninterrupted one would have.
///
/// ```swift
/// let sampler = TPESampler(seed: 7)
/// let parameters = sampler.propose(trial: trials.count, space: space, direction: .minimize, history: trials)
/// ```
public struct TPESampler: Sendable {
    /// Optuna 5.0's defaults; the fields exist for experiments, not for tuning studies.
    public struct Configuration: Sendable, Hashable {
        /// Trials drawn uniformly at random until this many are complete or pruned.
        public var startupTrials = 10
        /// Candidates drawn from l(x) per proposal.
        public var candidates = 24
        /// The weight of the prior kernel, relative to an observation's.
        public var priorWeight = 1.0

        public init() {}
    }

    public let seed: UInt64
    public let configuration: Configuration

    public init(seed: UInt64, configuration: Configuration = Configuration()) {
        self.seed = seed
        self.configuration = configuration
    }

    /// The good set's size: min(⌈0.1·n⌉, 25), for n complete and pruned trials.
    public static func gamma(_ finished: Int) -> Int {
        min(Int((0.1 * Double(finished)).rounded(.up)), 25)
    }

    /// Kernel weights of a set of `count` observations ordered oldest first: 1 each below 25,
    /// otherwise a linear ramp from 1/count to 1 over the oldest count − 25, then 1 each.
    public static func weights(_ count: Int) -> [Double] {
        guard count >= 25 else { return [Double](repeating: 1, count: count) }
        let rampCount = count - 25
        let start = 1 / Double(count)
        let ramp = (0..<rampCount).map { index in
            rampCount == 1 ? start : start + (1 - start) * Double(index) / Double(rampCount - 1)
        }
        return ramp + [Double](repeating: 1, count: 25)
    }

    /// Proposes the parameters of trial `trial`.
    ///
    /// - Parameters:
    ///   - trial: the trial's number, which selects its randomness.
    ///   - space: the search space.
    ///   - direction: whether smaller or larger values are better.
    ///   - history: the study's trials; complete and pruned ones are observations, failed and
    ///     running ones are ignored. Their order does not matter.
    /// - Returns: a value for every parameter of `space`.
    public func propose(
        trial: Int, space: SearchSpace, direction: Direction, history: some Sequence<TrialRecord>
    ) -> [String: ParameterValue] {
        var random = TrialRandomness.generator(seed: seed, trial: trial)
        var proposal: [String: ParameterValue] = [:]
        var dimensions: [EstimatorDimension] = []
        for parameter in space.parameters {
            if let dimension = EstimatorDimension(parameter) {
                dimensions.append(dimension)
            } else {
                proposal[parameter.name] = Self.onlyValue(of: parameter)
            }
        }
        let finished = history
            .filter { record in
                switch record.state {
                case .complete, .pruned: dimensions.allSatisfy { record.parameters[$0.parameter.name] != nil }
                case .running, .failed: false
                }
            }
            .sorted { $0.number < $1.number }

        if finished.count < configuration.startupTrials || dimensions.isEmpty {
            for dimension in dimensions {
                proposal[dimension.parameter.name] = dimension.randomValue(using: &random)
            }
            return proposal
        }

        let (below, above) = split(finished, direction: direction)
        func observations(_ records: [TrialRecord]) -> [[Double]] {
            records.map { record in dimensions.map { $0.coordinate(of: record.parameters[$0.parameter.name]!) ?? 0 } }
        }
        let good = ParzenEstimator(
            observations: observations(below), weights: Self.weights(below.count),
            dimensions: dimensions, priorWeight: configuration.priorWeight)
        let bad = ParzenEstimator(
            observations: observations(above), weights: Self.weights(above.count),
            dimensions: dimensions, priorWeight: configuration.priorWeight)

        var best: ParzenEstimator.Point?
        var bestScore = -Double.infinity
        var scratch: [Double] = []
        scratch.reserveCapacity(max(good.kernelCount, bad.kernelCount))
        for _ in 0..<configuration.candidates {
            let candidate = good.sample(using: &random)
            let score = good.logDensity(candidate, scratch: &scratch) - bad.logDensity(candidate, scratch: &scratch)
            // The first of equal candidates wins; a NaN score never does.
            if best == nil || score > bestScore {
                if best == nil || !score.isNaN { best = candidate; bestScore = score.isNaN ? -.infinity : score }
            }
        }
        for (dimension, value) in zip(dimensions, best!.values) {
            proposal[dimension.parameter.name] = value
        }
        return proposal
    }

    /// Splits finished trials into the good set (the best ⌈0.1·n⌉, at most 25) and the rest, each
    /// ordered by trial number (OPTIMIZER.md §1.3).
    func split(_ finished: [TrialRecord], direction: Direction) -> (below: [TrialRecord], above: [TrialRecord]) {
        let goodCount = Self.gamma(finished.count)
        let sign: Double = direction == .minimize ? 1 : -1
        // Complete trials by value, ties to the older trial; then pruned trials by the furthest
        // step reached, then by their last value (unknown counts as worst).
        let complete = finished.filter { $0.value != nil }
            .sorted { (sign * $0.value!, $0.number) < (sign * $1.value!, $1.number) }
        let pruned = finished.filter { if case .pruned = $0.state { true } else { false } }
            .sorted { lhs, rhs in
                let (leftStep, leftValue) = Self.prunedRank(lhs, sign: sign)
                let (rightStep, rightValue) = Self.prunedRank(rhs, sign: sign)
                return (-leftStep, leftValue, lhs.number) < (-rightStep, rightValue, rhs.number)
            }
        let ranked = complete + pruned
        let goodNumbers = Set(ranked.prefix(goodCount).map(\.number))
        return (finished.filter { goodNumbers.contains($0.number) }, finished.filter { !goodNumbers.contains($0.number) })
    }

    private static func prunedRank(_ record: TrialRecord, sign: Double) -> (Double, Double) {
        guard case .pruned(let step, let value) = record.state else { return (0, .infinity) }
        let rankedValue = value.flatMap { $0.isNaN ? nil : sign * $0 } ?? .infinity
        return (step.map(Double.init) ?? -1, rankedValue)
    }

    private static func onlyValue(of parameter: Parameter) -> ParameterValue {
        switch parameter.domain {
        case .float(let low, _, _, _): .float(low)
        case .integer(let low, _, _, _): .integer(low)
        case .categorical(let choices): .categorical(choices[0])
        }
    }
}
