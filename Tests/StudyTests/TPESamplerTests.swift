import Foundation
import Testing
@testable import Study

@Suite("TPE sampler")
struct TPESamplerTests {
    static let mixed = try! SearchSpace([
        Parameter(name: "x", domain: .float(low: -5, high: 10, log: false, step: nil)),
        Parameter(name: "rate", domain: .float(low: 1e-4, high: 1e-1, log: true, step: nil)),
        Parameter(name: "q", domain: .float(low: 0, high: 1, log: false, step: 0.25)),
        Parameter(name: "n", domain: .integer(low: 1, high: 64, log: true, step: 1)),
        Parameter(name: "k", domain: .integer(low: 0, high: 12, log: false, step: 3)),
        Parameter(name: "kind", domain: .categorical([.string("a"), .string("b"), .integer(3)])),
        Parameter(name: "fixed", domain: .integer(low: 4, high: 4, log: false, step: 1)),
    ])

    /// A deterministic objective over the mixed space, smallest near x = 1, rate = 0.01, kind "b".
    static func objective(_ p: [String: ParameterValue]) -> Double {
        guard case .float(let x) = p["x"], case .float(let rate) = p["rate"], case .float(let q) = p["q"],
              case .integer(let n) = p["n"], case .integer(let k) = p["k"], case .categorical(let kind) = p["kind"]
        else { fatalError() }
        return (x - 1) * (x - 1) + pow(log10(rate) + 2, 2) + q + abs(log2(Double(n)) - 3) + Double(k) / 12
            + (kind == .string("b") ? 0 : 1)
    }

    /// Runs a sequential study in memory.
    static func study(seed: UInt64, trials: Int, space: SearchSpace = mixed, direction: Direction = .minimize,
                      objective: ([String: ParameterValue]) -> Double = objective) -> [TrialRecord] {
        let sampler = TPESampler(seed: seed)
        var history: [TrialRecord] = []
        for number in 0..<trials {
            let parameters = sampler.propose(trial: number, space: space, direction: direction, history: history)
            history.append(TrialRecord(number: number, parameters: parameters, state: .complete(objective(parameters))))
        }
        return history
    }

    @Test("gamma is min(⌈0.1·n⌉, 25); old trials are down-weighted past 25 (docs/sampler.md §1.3–1.4)")
    func gammaAndWeights() {
        #expect([1, 10, 11, 100, 241, 250, 251, 1000].map(TPESampler.gamma) == [1, 1, 2, 10, 25, 25, 25, 25])
        #expect(TPESampler.weights(24) == [Double](repeating: 1, count: 24))
        let weights = TPESampler.weights(30)
        #expect(weights.count == 30)
        #expect(abs(weights[0] - 1.0 / 30) < 1e-15 && weights[4] == 1 && weights.suffix(25).allSatisfy { $0 == 1 })
        #expect(zip(weights, weights.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test("kernel widths: neighbour gaps with the magic clip, and the prior (docs/sampler.md §1.5 examples)")
    func kernelWidths() throws {
        let float = EstimatorDimension(Parameter(name: "f", domain: .float(low: 0, high: 10, log: false, step: nil)))!
        let estimator = ParzenEstimator(observations: [[9], [2], [5]], weights: [1, 1, 1], dimensions: [float], priorWeight: 1)
        let kernels = try #require(estimator.numeric[0])
        #expect(kernels.centres == [9, 2, 5, 5])
        #expect(kernels.widths == [4, 3, 4, 10])
        let integer = EstimatorDimension(Parameter(name: "i", domain: .integer(low: 0, high: 10, log: false, step: 1)))!
        let discrete = try #require(ParzenEstimator(observations: [[2], [5], [9]], weights: [1, 1, 1], dimensions: [integer], priorWeight: 1).numeric[0])
        #expect(discrete.widths == [3, 4, 4, 11])
        #expect(discrete.centres.last == 5)
        // One observation: the larger distance to a bound. Clipped below at R / min(100, n + 2).
        let single = try #require(ParzenEstimator(observations: [[1]], weights: [1], dimensions: [float], priorWeight: 1).numeric[0])
        #expect(single.widths == [9, 10])
        let close = try #require(ParzenEstimator(observations: [[5], [5.001]], weights: [1, 1], dimensions: [float], priorWeight: 1).numeric[0])
        #expect(close.widths == [2.5, 2.5, 10])
    }

    @Test("categorical rows: 1/K smoothing, uniform prior (docs/sampler.md §1.6)")
    func categoricalRows() throws {
        let dimension = EstimatorDimension(Parameter(name: "c", domain: .categorical([.integer(0), .integer(1), .integer(2), .integer(3)])))!
        let estimator = ParzenEstimator(observations: [[1], [3]], weights: [1, 1], dimensions: [dimension], priorWeight: 1)
        let table = try #require(estimator.probabilities[0])
        let k = 3.0, c = 4.0
        #expect(abs(table[1] - (1 + 1 / k) / (1 + c / k)) < 1e-15)
        #expect(abs(table[0] - (1 / k) / (1 + c / k)) < 1e-15)
        #expect(table[8...11].allSatisfy { $0 == 0.25 })
    }

    @Test("the good set is the best ⌈0.1·n⌉ complete trials, then pruned by step; a tie at the cut stays out of it")
    func split() {
        let sampler = TPESampler(seed: 0)
        func record(_ number: Int, _ state: TrialRecord.State) -> TrialRecord {
            TrialRecord(number: number, parameters: [:], state: state)
        }
        let tied = (0..<20).map { record($0, .complete($0 == 7 || $0 == 3 ? 1 : 5)) }
        #expect(sampler.split(tied, direction: .minimize).below.map(\.number) == [3, 7])
        // A plateau: the cut falls inside equal values, so no trial is better than another.
        let ties = (0..<11).map { record($0, .complete(1)) }
        #expect(sampler.split(ties, direction: .minimize).below.isEmpty)
        #expect(sampler.split(tied, direction: .maximize).below.isEmpty)
        // Only the trials strictly better than the tied value at the cut are good.
        let partly = (0..<20).map { record($0, .complete($0 == 2 ? 0 : $0 == 5 || $0 == 9 ? 1 : 5)) }
        #expect(sampler.split(partly, direction: .minimize).below.map(\.number) == [2])
        // Optuna and tpe/1 break the tie by age: the oldest trials are good.
        for old in [TPESampler(seed: 0, configuration: .optuna), TPESampler(seed: 0, configuration: .version("tpe/1")!)] {
            #expect(old.split(ties, direction: .minimize).below.map(\.number) == [0, 1])
            #expect(old.split(tied, direction: .maximize).below.map(\.number) == [0, 1])
            #expect(old.split(partly, direction: .minimize).below.map(\.number) == [2, 5])
        }
        let pruned = [record(0, .pruned(step: 2, value: 1)), record(1, .pruned(step: 5, value: 9))]
            + (2..<11).map { record($0, .pruned(step: 1, value: 0)) } + [record(11, .complete(100))]
        #expect(sampler.split(pruned, direction: .minimize).below.map(\.number) == [1, 11])
    }

    @Test("a proposal is a pure function of seed, trial number and finished trials")
    func pure() {
        let history = Self.study(seed: 3, trials: 25)
        let sampler = TPESampler(seed: 3)
        let proposal = sampler.propose(trial: 25, space: Self.mixed, direction: .minimize, history: history)
        #expect(sampler.propose(trial: 25, space: Self.mixed, direction: .minimize, history: history.shuffled()) == proposal)
        // Running and failed trials are invisible.
        let noise = [TrialRecord(number: 25, parameters: proposal, state: .failed),
                     TrialRecord(number: 26, parameters: proposal, state: .running)]
        #expect(sampler.propose(trial: 25, space: Self.mixed, direction: .minimize, history: history + noise) == proposal)
        // The trial number selects the randomness; so does the seed.
        #expect(sampler.propose(trial: 26, space: Self.mixed, direction: .minimize, history: history) != proposal)
        #expect(TPESampler(seed: 4).propose(trial: 25, space: Self.mixed, direction: .minimize, history: history) != proposal)
        // A told value changes what the sampler learns (a single proposal may still coincide: the
        // best of 24 candidates can come from a kernel the change left alone).
        var changed = history
        changed[0].state = .complete(-100)
        #expect((25..<30).contains { trial in
            sampler.propose(trial: trial, space: Self.mixed, direction: .minimize, history: changed)
                != sampler.propose(trial: trial, space: Self.mixed, direction: .minimize, history: history)
        })
    }

    @Test("every proposal is a valid value: on the grid, in bounds, one of the choices")
    func validValues() {
        for seed in 0..<3 {
            for trial in Self.study(seed: UInt64(seed), trials: 60) {
                let p = trial.parameters
                guard case .float(let x) = p["x"], case .float(let rate) = p["rate"], case .float(let q) = p["q"],
                      case .integer(let n) = p["n"], case .integer(let k) = p["k"], case .categorical(let kind) = p["kind"]
                else { Issue.record("wrong types: \(p)"); return }
                #expect(x >= -5 && x < 10 && rate >= 1e-4 && rate <= 0.1)
                #expect([0, 0.25, 0.5, 0.75, 1].contains(q))
                #expect(n >= 1 && n <= 64 && k >= 0 && k <= 12 && k % 3 == 0)
                #expect([.string("a"), .string("b"), .integer(3)].contains(kind))
                #expect(p["fixed"] == .integer(4))
            }
        }
    }

    @Test("startup trials spread uniformly: log parameters by decade, integers over their grid")
    func startupDistribution() {
        var decades = [Int](repeating: 0, count: 3)
        var kCounts = [Int: Int]()
        var total = 0
        for trial in 0..<3000 {
            let p = TPESampler(seed: 11).propose(trial: trial, space: Self.mixed, direction: .minimize, history: [])
            guard case .float(let rate) = p["rate"], case .integer(let k) = p["k"] else { return }
            decades[min(2, Int(-log10(rate)) - 1)] += 1
            kCounts[k, default: 0] += 1
            total += 1
        }
        #expect(decades.allSatisfy { abs(Double($0) / Double(total) - 1.0 / 3) < 0.04 }, "\(decades)")
        #expect(Set(kCounts.keys) == [0, 3, 6, 9, 12])
        #expect(kCounts.values.allSatisfy { abs(Double($0) / Double(total) - 0.2) < 0.03 }, "\(kCounts)")
    }

    @Test("the startup trials form a Latin hypercube: one trial in each tenth of every range")
    func latinHypercube() {
        let space = try! SearchSpace((0..<5).map { Parameter(name: "x\($0)", domain: .float(low: 0, high: 1, log: false, step: nil)) })
        for seed: UInt64 in 0..<5 {
            let sampler = TPESampler(seed: seed)
            let trials = (0..<10).map { sampler.propose(trial: $0, space: space, direction: .minimize, history: []) }
            for name in (0..<5).map({ "x\($0)" }) {
                let strata = trials.map { trial -> Int in
                    guard case .float(let x)? = trial[name] else { return -1 }
                    return Int(x * 10)
                }
                #expect(strata.sorted() == Array(0..<10), "seed \(seed) \(name): \(strata)")
            }
        }
        // Optuna's configuration draws them independently: some tenth is hit twice.
        let independent = TPESampler(seed: 0, configuration: .optuna)
        let strata = (0..<10).map { trial -> Int in
            guard case .float(let x)? = independent.propose(trial: trial, space: space, direction: .minimize, history: [])["x0"] else { return -1 }
            return Int(x * 10)
        }
        #expect(Set(strata).count < 10)
    }

    @Test("after the startup trials the TPE concentrates where the values are good")
    func concentrates() {
        // Median over seeds of the best value after 60 trials, TPE against its own random startup
        // continued for 60 trials (startup trials = 60 makes the sampler purely random).
        var tpe: [Double] = [], random: [Double] = []
        var randomConfiguration = TPESampler.Configuration()
        randomConfiguration.startupTrials = 1000
        for seed in 0..<7 {
            tpe.append(Self.study(seed: UInt64(seed), trials: 60).compactMap(\.value).min()!)
            let sampler = TPESampler(seed: UInt64(seed), configuration: randomConfiguration)
            random.append((0..<60).map { Self.objective(sampler.propose(trial: $0, space: Self.mixed, direction: .minimize, history: [])) }.min()!)
        }
        #expect(tpe.sorted()[3] < random.sorted()[3] * 0.7, "TPE \(tpe.sorted()) random \(random.sorted())")
        // Maximising the negated objective finds the same region.
        let maximised = Self.study(seed: 0, trials: 60, direction: .maximize) { -Self.objective($0) }
        #expect(-maximised.compactMap(\.value).max()! < random.sorted()[3])
    }

    @Test("trial generators are independent of each other and of the study seed's neighbours")
    func randomness() {
        var first = Set<UInt64>()
        for seed: UInt64 in 0..<4 {
            for trial in 0..<50 {
                var generator = TrialRandomness.generator(seed: seed, trial: trial)
                first.insert(generator.next())
            }
        }
        #expect(first.count == 200)
        var a = TrialRandomness.generator(seed: 9, trial: 1), b = TrialRandomness.generator(seed: 9, trial: 1)
        #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
    }
}
