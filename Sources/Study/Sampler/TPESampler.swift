import Foundation

/// The Tree-structured Parzen Estimator, written from Optuna 5.0's (docs/sampler.md §1): random
/// startup trials, then a multivariate TPE that draws candidates from the good trials' mixture
/// l(x) and keeps the one with the largest log l(x) − log g(x). ``Configuration`` lists where its
/// defaults depart from Optuna's, and why.
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
    /// The sampler's settings. The defaults are Optuna 5.0's (docs/sampler.md §1.1) but for three
    /// changes that lift it above Optuna on the benchmark functions (Scripts/tpe-benchmark/):
    /// the good set's bandwidth floor, a Latin hypercube for the startup trials, and stratified
    /// candidates. ``optuna`` turns all three off.
    public struct Configuration: Sendable, Hashable {
        /// Trials drawn uniformly at random until this many are complete or pruned.
        public var startupTrials = 10
        /// Candidates drawn from l(x) per proposal.
        public var candidates = 24
        /// The weight of the prior kernel, relative to an observation's.
        public var priorWeight = 1.0
        /// The good set's kernels of a continuous dimension are at least R / min(100, factor·k + 2)
        /// wide for k good trials; Optuna's magic clip is factor 1. At 3, l(x) tightens around the
        /// good trials as they accumulate, which is what closes the last digits of regret.
        public var goodSetClipFactor = 3.0
        /// The same factor for discrete dimensions (integers, stepped floats): Optuna's 1. The
        /// tighter floor helps continuous functions and hurts the window search's integer ranges,
        /// where the good set's kernels then narrow onto grid points too early
        /// (docs/sampler.md §1.8).
        public var goodSetDiscreteClipFactor = 1.0
        /// Startup trials 0 ..< startupTrials form a Latin hypercube (each dimension's range cut
        /// into startupTrials strata, one trial in each) instead of independent uniform draws;
        /// each trial is still uniform on its own.
        public var latinHypercubeStartup = true
        /// The candidates' quantiles are stratified across the candidates, coordinate by
        /// coordinate; each candidate is still a draw from l(x).
        public var stratifiedCandidates = true
        /// When the good set's cut falls inside a run of equal values, the tied trials stay out
        /// of it (the good set keeps only those strictly better, and may be empty, leaving l(x)
        /// the prior). Optuna breaks such ties by age, so on a plateau of equal scores its good set
        /// is the oldest trials and l(x) piles up around them; without them, max l/g proposes
        /// where the plateau has been explored least.
        public var tiesLeaveGoodSet = true

        public init() {}

        /// The settings of the sampler version a study recorded (``StudyDefinition/samplerVersion``),
        /// or `nil` for a version this build does not know. A study replays exactly only under
        /// the settings that ran it, so every version ever released stays here.
        ///
        /// - `tpe/1`: the tighter floor on every numeric dimension, ties broken by age.
        /// - `tpe/2`: the tighter floor on continuous dimensions only, ties kept out of the good set.
        public static func version(_ name: String) -> Configuration? {
            switch name {
            case "tpe/2":
                return Configuration()
            case "tpe/1":
                var configuration = Configuration()
                configuration.goodSetDiscreteClipFactor = 3
                configuration.tiesLeaveGoodSet = false
                return configuration
            default:
                return nil
            }
        }

        /// Optuna 5.0's TPESampler exactly (up to its random numbers).
        public static var optuna: Configuration {
            var configuration = Configuration()
            configuration.goodSetClipFactor = 1
            configuration.goodSetDiscreteClipFactor = 1
            configuration.latinHypercubeStartup = false
            configuration.stratifiedCandidates = false
            configuration.tiesLeaveGoodSet = false
            return configuration
        }
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
    ///   - pending: trials that other workers are evaluating (a study shared by several). The
    ///     constant liar: each joins the bad group as if it had the worst outcome, so that the
    ///     proposal moves away from parameters already being evaluated, rather than every worker
    ///     getting the same proposal from the same evidence. They count neither toward the startup
    ///     trials nor toward the good set's size, so with none the proposal is unchanged.
    /// - Returns: a value for every parameter of `space`.
    public func propose(
        trial: Int, space: SearchSpace, direction: Direction, history: some Sequence<TrialRecord>,
        pending: [TrialRecord] = []
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
            let strata = configuration.startupTrials
            if configuration.latinHypercubeStartup, trial < strata {
                // Every startup trial reads the same seed-derived design; its own generator
                // places it within its strata.
                var designRandom = TrialRandomness.generator(seed: seed, trial: -1)
                for dimension in dimensions {
                    let stratum = Self.permutation(strata, using: &designRandom)[trial]
                    let unit = (Double(stratum) + random.nextUnit()) / Double(strata)
                    proposal[dimension.parameter.name] = dimension.uniformValue(at: unit)
                }
            } else {
                for dimension in dimensions {
                    proposal[dimension.parameter.name] = dimension.uniformValue(at: random.nextUnit())
                }
            }
            return proposal
        }

        let (below, observedAbove) = split(finished, direction: direction)
        let lies = pending.filter { record in dimensions.allSatisfy { record.parameters[$0.parameter.name] != nil } }
        let above = lies.isEmpty ? observedAbove : (observedAbove + lies).sorted { $0.number < $1.number }
        func observations(_ records: [TrialRecord]) -> [[Double]] {
            records.map { record in dimensions.map { $0.coordinate(of: record.parameters[$0.parameter.name]!) ?? 0 } }
        }
        // The good set's magic-clip floor, R / min(100, c·k + 2), narrows l(x) faster than
        // Optuna's (c = 1) as the good set grows; g(x) keeps Optuna's floor.
        let continuousClip = Int((configuration.goodSetClipFactor * Double(below.count)).rounded())
        let discreteClip = Int((configuration.goodSetDiscreteClipFactor * Double(below.count)).rounded())
        let goodClip = { (dimension: EstimatorDimension) in
            if case .discrete = dimension.kind { discreteClip } else { continuousClip }
        }
        let good = ParzenEstimator(
            observations: observations(below), weights: Self.weights(below.count),
            dimensions: dimensions, priorWeight: configuration.priorWeight, clipCount: goodClip)
        let bad = ParzenEstimator(
            observations: observations(above), weights: Self.weights(above.count),
            dimensions: dimensions, priorWeight: configuration.priorWeight)

        var best: ParzenEstimator.Point?
        var bestScore = -Double.infinity
        var scratch: [Double] = []
        scratch.reserveCapacity(max(good.kernelCount, bad.kernelCount))
        let count = configuration.candidates
        // Quantiles of each candidate: column 0 picks the kernel, column 1 + d draws dimension d.
        var units = [[Double]](repeating: [], count: count)
        for _ in 0...dimensions.count {
            let strata = configuration.stratifiedCandidates ? Self.permutation(count, using: &random) : nil
            for index in 0..<count {
                let unit = random.nextUnit()
                units[index].append(strata.map { (Double($0[index]) + unit) / Double(count) } ?? unit)
            }
        }
        for index in 0..<count {
            let candidate = good.sample(kernelUnit: units[index][0], units: Array(units[index].dropFirst()))
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
    /// ordered by trial number (docs/sampler.md §1.3).
    func split(_ finished: [TrialRecord], direction: Direction) -> (below: [TrialRecord], above: [TrialRecord]) {
        var goodCount = Self.gamma(finished.count)
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
        if configuration.tiesLeaveGoodSet, goodCount > 0, goodCount < complete.count,
           let boundary = complete[goodCount - 1].value, complete[goodCount].value == boundary {
            goodCount = complete.prefix { sign * $0.value! < sign * boundary }.count
        }
        let goodNumbers = Set(ranked.prefix(goodCount).map(\.number))
        return (finished.filter { goodNumbers.contains($0.number) }, finished.filter { !goodNumbers.contains($0.number) })
    }

    private static func prunedRank(_ record: TrialRecord, sign: Double) -> (Double, Double) {
        guard case .pruned(let step, let value) = record.state else { return (0, .infinity) }
        let rankedValue = value.flatMap { $0.isNaN ? nil : sign * $0 } ?? .infinity
        return (step.map(Double.init) ?? -1, rankedValue)
    }

    /// A uniform random permutation of 0 ..< count (Fisher–Yates).
    static func permutation(_ count: Int, using random: inout SplitMix64) -> [Int] {
        var values = Array(0..<count)
        for index in stride(from: count - 1, to: 0, by: -1) {
            values.swapAt(index, Int(random.below(UInt64(index + 1))))
        }
        return values
    }

    private static func onlyValue(of parameter: Parameter) -> ParameterValue {
        switch parameter.domain {
        case .float(let low, _, _, _): .float(low)
        case .integer(let low, _, _, _): .integer(low)
        case .categorical(let choices): .categorical(choices[0])
        }
    }
}
