import Foundation
import Sieve
import WindowSearch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The backend a soak iteration runs on, made for its overrides by the caller (the command line
/// chooses CPU or Metal), with the GPU's dispatch statistics when it has them.
public struct SoakBackend: Sendable {
    public var backend: SieveBackend
    public var name: String
    public var threads: Int
    /// Dispatches and GPU seconds since the last reset (nil on the CPU).
    public var dispatches: @Sendable () -> (count: Int, gpuSeconds: Double)?
    public var resetDispatches: @Sendable () -> Void

    public init(backend: SieveBackend, name: String, threads: Int,
                dispatches: @escaping @Sendable () -> (count: Int, gpuSeconds: Double)? = { nil },
                resetDispatches: @escaping @Sendable () -> Void = {}) {
        self.backend = backend
        self.name = name
        self.threads = threads
        self.dispatches = dispatches
        self.resetDispatches = resetDispatches
    }
}

/// One iteration's measurements: the chosen workloads' throughput, thread scaling, the planted
/// canary search and the chance calibration.
public enum SoakIteration {
    /// Whether the canary is planted inside its range (the default) or just past it:
    /// `OPTIMIZE_SOAK_CANARY=beyond-range` forces a miss through the real path (for tests).
    public static let canaryVariable = "OPTIMIZE_SOAK_CANARY"

    /// The planted canary search's seeds, family and shape.
    static let canaryPlantedSkip: UInt64 = 3
    static let canaryDraws = 120
    static let canaryTrials = 3

    /// Runs iteration `iteration`'s workloads in `scratch` (emptied by the caller).
    ///
    /// - Parameters:
    ///   - workloads: standard (W1…W5) and trial (T-…) workload ids.
    ///   - seeds: seeds per workload instead of their quick or full counts.
    ///   - makeBackend: the backend for a set of overrides.
    public static func measure(iteration: Int, overrides: SoakOverrides, workloads: [String], quick: Bool, seeds: UInt64?,
                               scratch: FilePath, canaryPlacement: String?,
                               makeBackend: (SoakOverrides) throws -> SoakBackend) throws -> (samples: [IterationSummary.WorkloadSample],
                                                                                              canary: IterationSummary.CanarySample,
                                                                                              chance: IterationSummary.ChanceSample,
                                                                                              measurements: IterationSummary.Measurements) {
        // Each iteration starts as a new process does: no low-bit class table kept from the last.
        LowBitClassTable.clearCache()
        let selected = try makeBackend(overrides)
        let chunk = overrides.chunkSize ?? SearchSettings.defaultChunkSize
        var samples: [IterationSummary.WorkloadSample] = []
        var overhead: Double?
        var scaling: Double?
        selected.resetDispatches()
        let standard = try StandardWorkload.all().filter { workloads.contains($0.id) }
        for workload in standard {
            let result = try BenchmarkResult.measure(workload, quick: quick, backend: selected.backend, threads: selected.threads, seeds: seeds)
            samples.append(.init(workload: workload.id, seeds: result.seeds, seconds: result.seconds, threads: selected.threads, backend: selected.name))
        }
        let trials = TrialWorkload.all.filter { workloads.contains($0.id) }
        if !trials.isEmpty {
            let history = scratch.appending("trial-history.json")
            try TrialWorkload.writeHistory(to: history.string)
            for (index, trial) in trials.enumerated() {
                let count = seeds ?? (quick ? trial.quickSeeds : TrialWorkload.fullSeeds)
                let result = try trial.run(seeds: count, historyPath: history.string, backend: selected.backend, backendName: selected.name,
                                           threads: selected.threads, directory: scratch.appending("trial-\(index)").string, chunkSize: chunk)
                samples.append(.init(workload: trial.id, seeds: result.seeds, seconds: result.seconds, threads: selected.threads, backend: selected.name))
                // Writing chunks (journal lines, survivors, their fsyncs) is what a chunk costs beyond its sieve.
                if overhead == nil { overhead = result.phases.share(.writing) }
            }
        }
        // Thread scaling: the first standard workload again on one thread.
        if let first = standard.first, selected.threads > 1, let all = samples.first(where: { $0.workload == first.id }) {
            var single = overrides
            single.threads = 1
            let one = try makeBackend(single)
            let result = try BenchmarkResult.measure(first, quick: quick, backend: one.backend, threads: 1, seeds: seeds)
            let oneRate = Double(result.seeds) / result.seconds
            scaling = (all.seedsPerSecond / oneRate) / Double(selected.threads)
        }
        // Lane width: the first standard workload on the next narrower instruction set (CPU only).
        var lanes: (current: String, narrower: String, gain: Double)?
        if selected.name == "cpu", let first = standard.first, let sample = samples.first(where: { $0.workload == first.id }) {
            let supported = CPUSieveBackend.InstructionSet.supported
            let current = overrides.laneWidth ?? CPUSieveBackend.InstructionSet.best.name
            if let index = supported.firstIndex(where: { $0.name == current }), index > 0 {
                var narrower = overrides
                narrower.laneWidth = supported[index - 1].name
                let backend = try makeBackend(narrower)
                let result = try BenchmarkResult.measure(first, quick: quick, backend: backend.backend, threads: backend.threads, seeds: seeds)
                lanes = (current, supported[index - 1].name, (Double(result.seeds) / result.seconds) / sample.seedsPerSecond)
            }
        }
        let dispatch = selected.dispatches().flatMap { $0.count > 0 ? $0.gpuSeconds / Double($0.count) * 1000 : nil }
        let canary = try canarySearch(iteration: iteration, quick: quick, chunkSize: chunk, backend: selected,
                                      directory: scratch.appending("canary"), placement: canaryPlacement)
        let chance = try chanceCalibration(quick: quick, backend: selected.backend)
        let measurements = IterationSummary.Measurements(perChunkOverhead: overhead, threadScaling: scaling, dispatchMs: dispatch,
                                                         peakResidentMebibytes: peakResidentMebibytes(), memoryGrowth: nil,
                                                         laneWidth: lanes?.current, narrowerLaneWidth: lanes?.narrower,
                                                         narrowerLaneGain: lanes?.gain)
        return (samples, canary, chance, measurements)
    }

    /// The process's peak resident memory, in MiB (`getrusage`: KiB on Linux, bytes on macOS).
    static func peakResidentMebibytes() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Double(usage.ru_maxrss) / (1024 * 1024)
        #endif
    }

    /// A window search over a java_lcg history planted from a seed of its range (the seed and the
    /// noise from the iteration alone): recall 1 when its best trial recovers the planted seed.
    static func canarySearch(iteration: Int, quick: Bool, chunkSize: UInt64, backend: SoakBackend, directory: FilePath,
                             placement: String?) throws -> IterationSummary.CanarySample {
        let seedCount: UInt64 = quick ? 1 << 16 : 1 << 20
        var random = SplitMix64(seed: 0x50A4_CA4A ^ UInt64(iteration))
        var planted = random.below(seedCount)
        if placement == "beyond-range" { planted = seedCount }
        let history = try PlantedHistory(configuration: PRNGConfiguration(.java_lcg), seed: planted, count: canaryDraws, burn: 0,
                                         skip: canaryPlantedSkip, modulus: 1000, noise: .init(fraction: 0.1, seed: random.next()))
        try FileIO.makeDirectories(directory)
        let path = directory.appending("canary.json")
        try AtomicFile.write(Array(DrawHistoryFormat.json.encode(history.draws, session: "midday").utf8), to: path)
        let loaded = try DrawHistory.load(path: path.string)
        let shape = HistoryShape(history: loaded)
        let defaults = SearchBounds.defaults(shape: shape, prng: "java_lcg", referenceMode: false)
        // Every trial can find the seed: only the offset is searched.
        let bounds = try SearchBounds.read(.object([
            ("window_size", .integer(30)), ("offset", .object([("low", .integer(30)), ("high", .integer(80))])),
            ("skip_min", .integer(0)), ("skip_max", .integer(6)), ("forward_threshold", .number(0.5)), ("reverse_threshold", .number(0.5)),
        ]), source: "the soak's canary search", over: defaults)
        let settings = SearchSettings(
            historyFile: path.string, historyPath: path.string, historyFormat: nil, newestFirst: false, historyChecksum: loaded.checksum,
            prng: "java_lcg", prngParameters: [:], modulus: 1000, seeds: SeedRange(first: 0, last: seedCount - 1), referenceMode: false,
            fullReverse: false, backend: backend.name, objective: .significance, alpha: SearchSettings.defaultAlpha, trials: canaryTrials,
            samplerSeed: UInt64(iteration) + 1, chunkSize: chunkSize, chanceSampleSize: 1 << 16, bounds: bounds)
        try settings.validate(shape: shape, boundsSource: "the soak's canary search")
        let run = try SearchRun.start(directory: directory.appending("run").string, settings: settings, history: loaded, resume: false,
                                      backend: backend.backend)
        _ = try run.run()
        let recovered = SearchRun.best(of: run.outcomes)?.strongest
        let found = recovered.map { $0.seed == planted && UInt64($0.skip) == canaryPlantedSkip } ?? false
        return .init(plantedSeed: planted, plantedSkip: Int(canaryPlantedSkip), trials: run.outcomes.count,
                     recoveredSeed: recovered?.seed, recall: found ? 1 : 0)
    }

    /// mt19937 (whose outputs the analytic chance model fits) against fixed random draws: at
    /// least 2 of 10 matching mod 1000, over a fixed range; the count against the model's.
    static func chanceCalibration(quick: Bool, backend: SieveBackend) throws -> IterationSummary.ChanceSample {
        let seeds: UInt64 = quick ? 1 << 18 : 1 << 22
        var random = SplitMix64(seed: 0xC4A_2CE)
        let parameters = SieveParameters(prng: PRNGConfiguration(.mt19937), modulus: 1000, window: 10, offset: 0, skips: 0...0,
                                         forwardThreshold: .matches(2))
        let plan = try SievePlan(parameters: parameters, residues: (0..<10).map { _ in UInt32(random.below(1000)) })
        let observed = try backend.survivors(of: plan, seeds: SeedRange(first: 1, last: seeds)).count
        let expected = try plan.chanceExpectation(seedCount: UInt128(seeds), backend: backend).expected(.forward) ?? 0
        let z = expected > 0 ? (Double(observed) - expected) / expected.squareRoot() : 0
        return .init(seeds: seeds, observed: observed, expected: expected, z: z)
    }
}
