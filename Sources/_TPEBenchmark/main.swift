// Runs the Swift TPE on the benchmark functions of docs/sampler.md §4, the way
// Scripts/tpe-benchmark/optuna_benchmark.py runs Optuna: seeds 0–19, 100 trials, sequential
// ask/tell, simple regret at 20, 50 and 100 trials, and the sampler's time per trial.
//
//     swift run -c release _TPEBenchmark [--seeds 20] [--trials 100] [--json FILE]
//     swift run -c release _TPEBenchmark --speed 1000     # ms per trial up to 1,000 trials
//     swift run -c release _TPEBenchmark --functions window-a,window-b --no-lhs   # an experiment
//
// Infeasible points (the planted-window functions' windows that do not fit) are told as pruned.
//
// Build it with -c release: a debug build's timings mean nothing.

import Foundation
import Study

struct BenchmarkFunction {
    let name: String
    let space: SearchSpace
    /// The minimum of `evaluate` over the space.
    let optimum: Double
    /// What a study knows before its first feasible trial: +∞, or the plateau of a function that
    /// is 0 almost everywhere (a window search that has found nothing has a score of 0).
    var start = Double.infinity
    /// The value to minimise at a point, or `nil` when the point is infeasible (a pruned trial).
    let evaluate: ([String: ParameterValue]) -> Double?
}

extension BenchmarkFunction {
    /// A function of float parameters only, given their values in the space's order.
    init(name: String, space: SearchSpace, optimum: Double, floats evaluate: @escaping ([Double]) -> Double) {
        self.init(name: name, space: space, optimum: optimum, evaluate: { parameters in
            evaluate(space.parameters.map { parameter in
                guard case .float(let value)? = parameters[parameter.name] else { fatalError("float parameters only") }
                return value
            })
        })
    }
}

/// Stops the runner with a message on standard error.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("_TPEBenchmark: \(message)\n".utf8))
    exit(1)
}

/// A benchmark function's space; the definitions below are fixed, so an error here is a bug in them.
func space(_ parameters: [Parameter]) -> SearchSpace {
    do {
        return try SearchSpace(parameters)
    } catch {
        fail("a benchmark function's search space is invalid: \(error)")
    }
}

func floats(_ names: [String], _ low: Double, _ high: Double) -> SearchSpace {
    space(names.map { Parameter(name: $0, domain: .float(low: low, high: high, log: false, step: nil)) })
}

let branin = BenchmarkFunction(
    name: "branin",
    space: space([
        Parameter(name: "x1", domain: .float(low: -5, high: 10, log: false, step: nil)),
        Parameter(name: "x2", domain: .float(low: 0, high: 15, log: false, step: nil)),
    ]),
    optimum: 0.397887357729738
) { (x: [Double]) in
    let b = 5.1 / (4 * Double.pi * Double.pi), c = 5 / Double.pi, t = 1 / (8 * Double.pi)
    let term = x[1] - b * x[0] * x[0] + c * x[0] - 6
    return term * term + 10 * (1 - t) * cos(x[0]) + 10
}

let hartmann6 = BenchmarkFunction(
    name: "hartmann6", space: floats((0..<6).map { "x\($0)" }, 0, 1), optimum: -3.322368011415515
) { (x: [Double]) in
    let alpha = [1.0, 1.2, 3.0, 3.2]
    let a: [[Double]] = [
        [10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14],
    ]
    let p: [[Double]] = [
        [1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381],
    ]
    var total = 0.0
    for i in 0..<4 {
        var inner = 0.0
        for j in 0..<6 {
            let d = x[j] - p[i][j] * 1e-4
            inner += a[i][j] * d * d
        }
        total += alpha[i] * exp(-inner)
    }
    return -total
}

let rosenbrock4 = BenchmarkFunction(
    name: "rosenbrock4", space: floats((0..<4).map { "x\($0)" }, -5, 10), optimum: 0
) { (x: [Double]) in
    (0..<3).reduce(0.0) { sum, i in
        let a = x[i + 1] - x[i] * x[i], b = x[i] - 1
        return sum + 100 * a * a + b * b
    }
}

struct Run {
    var regretAt: [Int: Double] = [:]
    /// Sampler time of each trial, in seconds.
    var sampleSeconds: [Double] = []
    /// Proposals equal to an earlier trial's: a search would sieve them again for nothing.
    var repeats = 0
    /// Proposals that were infeasible (pruned without a value).
    var infeasible = 0
}

/// The sampler's configuration: Optuna 5.0's defaults, or an experiment given on the command line.
let configuration: TPESampler.Configuration = {
    let arguments = CommandLine.arguments
    var configuration = arguments.contains("--optuna") ? TPESampler.Configuration.optuna : TPESampler.Configuration()
    if arguments.contains("--lhs") { configuration.latinHypercubeStartup = true }
    if arguments.contains("--no-lhs") { configuration.latinHypercubeStartup = false }
    if let index = arguments.firstIndex(of: "--clip-factor"), index + 1 < arguments.count, let factor = Double(arguments[index + 1]) {
        configuration.goodSetClipFactor = factor
        configuration.goodSetDiscreteClipFactor = factor
    }
    if let index = arguments.firstIndex(of: "--discrete-clip-factor"), index + 1 < arguments.count, let factor = Double(arguments[index + 1]) {
        configuration.goodSetDiscreteClipFactor = factor
    }
    if arguments.contains("--stratified") { configuration.stratifiedCandidates = true }
    if arguments.contains("--no-stratified") { configuration.stratifiedCandidates = false }
    if arguments.contains("--ties") { configuration.tiesLeaveGoodSet = true }
    if arguments.contains("--no-ties") { configuration.tiesLeaveGoodSet = false }
    if let index = arguments.firstIndex(of: "--candidates"), index + 1 < arguments.count, let count = Int(arguments[index + 1]) {
        configuration.candidates = count
    }
    return configuration
}()

func run(_ function: BenchmarkFunction, seed: UInt64, trials: Int, checkpoints: [Int]) -> Run {
    let sampler = TPESampler(seed: seed, configuration: configuration)
    var history: [TrialRecord] = []
    var best = Double.infinity
    var result = Run()
    for number in 0..<trials {
        let start = DispatchTime.now().uptimeNanoseconds
        let parameters = sampler.propose(trial: number, space: function.space, direction: .minimize, history: history)
        result.sampleSeconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        if history.contains(where: { $0.parameters == parameters }) { result.repeats += 1 }
        if let value = function.evaluate(parameters) {
            best = min(best, value)
            history.append(TrialRecord(number: number, parameters: parameters, state: .complete(value)))
        } else {
            // Infeasible: pruned before any step, as the window search records it.
            result.infeasible += 1
            history.append(TrialRecord(number: number, parameters: parameters, state: .pruned(step: nil, value: nil)))
        }
        if checkpoints.contains(number + 1) { result.regretAt[number + 1] = max(0, min(best, function.start) - function.optimum) }
    }
    return result
}

/// numpy's default percentile: linear interpolation between order statistics.
func percentile(_ values: [Double], _ q: Double) -> Double {
    let sorted = values.sorted()
    let position = q / 100 * Double(sorted.count - 1)
    let lower = Int(position.rounded(.down)), upper = min(lower + 1, sorted.count - 1)
    return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
}

func mean(_ values: ArraySlice<Double>) -> Double { values.reduce(0, +) / Double(values.count) }

func format(_ value: Double) -> String {
    if value == 0 { return "0" }
    if abs(value) >= 100 { return String(format: "%.0f", value) }
    return String(format: "%.3g", value)
}

let arguments = Array(CommandLine.arguments.dropFirst())
@MainActor func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

if let speedTrials = option("--speed").flatMap(Int.init) {
    // The sampling time at the end of a long study: every proposal sees all earlier trials.
    for function in [branin, hartmann6, rosenbrock4] {
        let result = run(function, seed: 0, trials: speedTrials, checkpoints: [])
        let last = result.sampleSeconds.suffix(100)
        print("\(function.name): \(speedTrials) trials, sampling ms/trial: mean over all \(format(mean(result.sampleSeconds[...]) * 1000)), "
              + "last 100 \(format(mean(last) * 1000)), max of last 100 \(format(last.max()! * 1000))")
    }
    exit(0)
}

let allFunctions = [branin, hartmann6, rosenbrock4] + plantedWindows.map(\.function)
// --functions a,b runs only those (for tuning); every function by default.
let functions = option("--functions").map { names in
    allFunctions.filter { names.split(separator: ",").map(String.init).contains($0.name) }
} ?? allFunctions
let firstSeed = UInt64(option("--first-seed") ?? "0")!
let seeds = UInt64(option("--seeds") ?? "20")!
let trials = Int(option("--trials") ?? "100")!
let checkpoints = [20, 50, 100].filter { $0 <= trials }
var rows: [JSONValue] = []
print("| function | regret@20 | regret@50 | regret@100 | ms/trial (trials 11–100; last 10) |")
print("|---|---|---|---|---|")
for function in functions {
    let runs = (firstSeed..<firstSeed + seeds).map { run(function, seed: $0, trials: trials, checkpoints: checkpoints) }
    var cells: [String] = []
    var summary: [(key: String, value: JSONValue)] = [("function", .string(function.name)), ("optimum", .double(function.optimum))]
    for checkpoint in checkpoints {
        let regrets = runs.map { $0.regretAt[checkpoint]! }
        let (median, q25, q75) = (percentile(regrets, 50), percentile(regrets, 25), percentile(regrets, 75))
        cells.append("\(format(median)) [\(format(q25)), \(format(q75))]")
        summary.append(("regret@\(checkpoint)", .object([
            ("median", .double(median)), ("q25", .double(q25)), ("q75", .double(q75)),
            ("values", .array(regrets.map { .double($0) })),
        ])))
    }
    let steady = runs.map { mean($0.sampleSeconds[min(10, trials - 1)...]) * 1000 }.reduce(0, +) / Double(seeds)
    let last10 = runs.map { mean($0.sampleSeconds.suffix(10)) * 1000 }.reduce(0, +) / Double(seeds)
    summary.append(("ms_per_trial", .double(steady)))
    summary.append(("repeated_proposals", .array(runs.map { .integer($0.repeats) })))
    summary.append(("infeasible_proposals", .array(runs.map { .integer($0.infeasible) })))
    summary.append(("ms_per_trial_last10", .double(last10)))
    rows.append(.object(summary))
    print("| \(function.name) | \(cells.joined(separator: " | ")) | \(format(steady)); \(format(last10)) |")
}
if let path = option("--json") {
    let document = JSONValue.object([
        ("sampler", .string("Swift TPESampler (\(StudyDefinition.samplerVersion))")), ("seeds", .integer(Int(seeds))),
        ("trials", .integer(trials)), ("results", .array(rows)),
    ])
    do {
        try AtomicFile.write(Array((document.text + "\n").utf8), to: FilePath(path))
    } catch {
        fail("cannot write \(path): \(error)")
    }
}
