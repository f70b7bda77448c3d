import Foundation
import Sieve

/// What a user runs once on a new machine, or after an upgrade, before trusting it with a long
/// run (`optimize selftest`): the backend held to a reference, and sized against the watchdog.
///
/// Four checks, each run to its end whatever the others found, so that one report says everything:
///
/// 1. **planted seeds**: every family's ``PlantedSeedCase`` through the backend;
/// 2. **against the reference**: random configurations (``RandomSieveCase``: every family, moduli
///    2 … 2^32, reverse windows, reference mode, planted seeds), survivors and their counts equal to
///    the reference's: the CPU backend for Metal, the plain ``SieveOracle`` for the CPU;
/// 3. **dispatch sizing**: on a GPU, the longest dispatch of the bench workloads below the limit
///    the display's watchdog allows (skipped on the CPU, which has no dispatches, and on the
///    emulated device, whose times are the CPU's);
/// 4. **bench**: the standard workloads W1–W5 at `bench --quick`'s seed counts, their rates.
///
/// A check that throws (a GPU failure, say) fails with the error as its finding.
///
/// ```swift
/// let report = SelfTest(backend: try MetalSieveBackend()).run()
/// print(report.text.joined(separator: "\n"))   // one screen; report.json for a bug report
/// ```
public struct SelfTest: Sendable {
    /// How much each check runs.
    public struct Configuration: Sendable {
        /// Random configurations held to the reference.
        public var randomCases = 100
        /// Seeds the random configurations: a failure names its case, and the same seed repeats it.
        public var randomSeed: UInt64 = 0x5E1F_7E57
        /// Seeds per bench workload; nil: `bench --quick`'s counts.
        public var benchSeeds: UInt64?
        /// The bench workloads to run, by id; nil: all of W1–W5.
        public var benchWorkloads: Set<String>?
        /// The longest GPU time one dispatch may take. The sizer aims at 75 ms (docs/metal.md §3);
        /// macOS stops a command buffer of a display's GPU after a few seconds, so a dispatch of a
        /// second is already far off target.
        public var dispatchLimitSeconds = 1.0

        public init(randomCases: Int = 100, randomSeed: UInt64 = 0x5E1F_7E57, benchSeeds: UInt64? = nil) {
            self.randomCases = randomCases
            self.randomSeed = randomSeed
            self.benchSeeds = benchSeeds
        }
    }

    public let backend: any SieveBackend
    /// The backend selection's line for the report (device, threads, lanes).
    public let backendSummary: String
    public let configuration: Configuration

    public init(backend: any SieveBackend, summary: String? = nil, configuration: Configuration = Configuration()) {
        self.backend = backend
        self.backendSummary = summary ?? "backend: \(backend.name)"
        self.configuration = configuration
    }

    /// Whom the backend is held to: the CPU backend for Metal (the fast, tested path), the plain
    /// oracle for the CPU (which shares no code with it but the PRNG kernels).
    var reference: (name: String, survivors: @Sendable (SievePlan, SeedRange) throws -> [SurvivorRecord]) {
        if backend is MetalSieveBackend {
            let cpu = CPUSieveBackend()
            return ("the CPU backend", { try cpu.survivors(of: $0, seeds: $1) })
        }
        return ("the plain oracle", { try SieveOracle.survivors(of: $0, seeds: $1) })
    }

    /// Runs the four checks; `progress` hears the name of each as it starts.
    public func run(progress: (String) -> Void = { _ in }) -> SelfTestReport {
        progress("planted seeds")
        let planted = plantedSeeds()
        progress("against \(reference.name)")
        let equal = againstReference()
        progress("bench workloads")
        let (bench, dispatches) = benchAndDispatches()
        return SelfTestReport(checks: [planted, equal, dispatches, bench], backend: backend.name,
                              backendSummary: backendSummary, reference: reference.name,
                              platform: SelfTestReport.currentPlatform)
    }

    // MARK: - The checks

    func plantedSeeds() -> SelfTestCheck {
        let clock = ContinuousClock()
        var findings: [String] = []
        let elapsed = clock.measure {
            for planted in PlantedSeedCase.all {
                do {
                    let survivors = try backend.survivors(of: try planted.plan(), seeds: planted.seeds)
                    if let problem = planted.problem(in: survivors) { findings.append("\(planted): \(problem)") }
                } catch {
                    findings.append("\(planted): \(error)")
                }
            }
        }
        let total = PlantedSeedCase.all.count
        return SelfTestCheck(
            id: "planted-seeds", title: "planted seeds", status: findings.isEmpty ? .pass : .fail,
            summary: "\(total - findings.count) of \(total) families find their planted seed at its skip, and nothing else",
            findings: findings, seconds: elapsed.seconds,
            figures: [("families", .integer(total)), ("failed", .integer(findings.count))])
    }

    func againstReference() -> SelfTestCheck {
        let clock = ContinuousClock()
        let reference = self.reference
        var findings: [String] = []
        var survivors = 0
        var random = SplitMix64(seed: configuration.randomSeed)
        let elapsed = clock.measure {
            for index in 0..<configuration.randomCases {
                let c: RandomSieveCase
                do {
                    c = try RandomSieveCase.make(&random)
                } catch {
                    findings.append("case \(index): could not be made: \(error)")
                    continue
                }
                do {
                    let expected = try reference.survivors(c.plan, c.seeds)
                    let found = try backend.survivors(of: c.plan, seeds: c.seeds)
                    survivors += expected.count
                    if found != expected {
                        findings.append("case \(index) (\(c)): \(Self.difference(found, expected))")
                    }
                } catch {
                    findings.append("case \(index) (\(c)): \(error)")
                }
            }
        }
        return SelfTestCheck(
            id: "reference", title: "against the reference",
            status: findings.isEmpty ? .pass : .fail,
            summary: "\(configuration.randomCases - findings.count) of \(configuration.randomCases) random configurations "
                + "give \(reference.name)'s survivors and counts (\(survivors) survivors)",
            findings: findings, seconds: elapsed.seconds,
            figures: [("reference", .string(reference.name)), ("cases", .integer(configuration.randomCases)),
                      ("random_seed", .uint64(configuration.randomSeed)), ("survivors", .integer(survivors)),
                      ("failed", .integer(findings.count))])
    }

    /// The bench workloads, and on Metal the dispatch sizing they exercised (the only runs here
    /// large enough to need many dispatches).
    func benchAndDispatches() -> (bench: SelfTestCheck, dispatches: SelfTestCheck) {
        let metal = backend as? MetalSieveBackend
        let onGPU = metal.map { !$0.context.isEmulated } ?? false
        let threads = onGPU ? 1 : (backend as? CPUSieveBackend)?.threads ?? CPUKernel.defaultThreadCount
        let clock = ContinuousClock()
        var findings: [String] = []
        var results: [BenchmarkResult] = []
        var statistics: [(id: String, MetalSieveBackend.Statistics)] = []
        let elapsed = clock.measure {
            let workloads: [StandardWorkload]
            do {
                workloads = try StandardWorkload.all().filter { configuration.benchWorkloads?.contains($0.id) ?? true }
            } catch {
                findings.append("the standard workloads: \(error)")
                return
            }
            for workload in workloads {
                metal?.resetStatistics()
                do {
                    results.append(try BenchmarkResult.measure(workload, quick: true, backend: backend, threads: threads,
                                                               seeds: configuration.benchSeeds))
                } catch {
                    findings.append("\(workload.id): \(error)")
                }
                if let metal { statistics.append((workload.id, metal.statistics)) }
            }
        }
        let rates = results.map { "\($0.workload.id) \(Self.rate($0.seedsPerSecond))" }.joined(separator: ", ")
        let bench = SelfTestCheck(
            id: "bench", title: "bench --quick", status: findings.isEmpty ? .pass : .fail,
            summary: "seeds/s: " + (rates.isEmpty ? "none" : rates), findings: findings, seconds: elapsed.seconds,
            figures: [("threads", .integer(threads)), ("results", .array(results.map { r in
                .object([
                    ("workload", .string(r.workload.id)), ("seeds", .uint64(r.seeds)), ("seconds", .number(r.seconds)),
                    ("seeds_per_second", .number(r.seedsPerSecond)), ("hypotheses_per_second", .number(r.hypothesesPerSecond)),
                    ("survivors", .integer(r.survivors)),
                ])
            }))])
        return (bench, dispatchSizing(statistics, emulated: metal?.context.isEmulated ?? false))
    }

    func dispatchSizing(_ statistics: [(id: String, MetalSieveBackend.Statistics)], emulated: Bool) -> SelfTestCheck {
        guard backend is MetalSieveBackend else {
            return SelfTestCheck(id: "dispatch-sizing", title: "dispatch sizing", status: .skipped,
                                 summary: "the \(backend.name) backend has no GPU dispatches to size", seconds: 0)
        }
        let limit = configuration.dispatchLimitSeconds
        let count = statistics.reduce(0) { $0 + $1.1.dispatches }
        let gpu = statistics.reduce(0.0) { $0 + $1.1.gpuSeconds }
        let longest = statistics.map(\.1.longestDispatchSeconds).max() ?? 0
        var findings = statistics.filter { $0.1.longestDispatchSeconds >= limit }.map {
            "\($0.id): a dispatch of \(String(format: "%.0f", $0.1.longestDispatchSeconds * 1000)) ms"
        }
        if count == 0 { findings.append("the bench workloads made no dispatch") }
        let mean = count > 0 ? gpu / Double(count) : 0
        let figures = "\(count) dispatches, mean \(String(format: "%.1f", mean * 1000)) ms, longest "
            + "\(String(format: "%.1f", longest * 1000)) ms"
        // The emulated device's times are the CPU's: they say nothing about a GPU and its watchdog.
        let status: SelfTestCheck.Status = emulated ? .skipped : findings.isEmpty ? .pass : .fail
        return SelfTestCheck(
            id: "dispatch-sizing", title: "dispatch sizing", status: status,
            summary: emulated
                ? "\(figures) on the emulated device, whose times are the CPU's: the watchdog limit applies to a GPU only"
                : "\(figures) (limit \(String(format: "%.0f", limit * 1000)) ms)",
            findings: emulated ? [] : findings, seconds: 0,
            figures: [("dispatches", .integer(count)), ("mean_seconds", .number(mean)), ("longest_seconds", .number(longest)),
                      ("limit_seconds", .number(limit)), ("emulated", .bool(emulated))])
    }

    // MARK: - Wording

    /// How two survivor lists differ, in a phrase.
    static func difference(_ found: [SurvivorRecord], _ expected: [SurvivorRecord]) -> String {
        if found.count != expected.count { return "\(found.count) survivors, the reference has \(expected.count)" }
        let pair = zip(found, expected).first { $0 != $1 }
        return pair.map { "first difference: \($0.0) where the reference has \($0.1)" } ?? "the survivors differ"
    }

    /// A rate with a metric prefix: 1.2 G, 340 M, 5.1 k.
    static func rate(_ value: Double) -> String {
        switch value {
        case 1e9...: String(format: "%.1f G", value / 1e9)
        case 1e6...: String(format: "%.1f M", value / 1e6)
        case 1e3...: String(format: "%.1f k", value / 1e3)
        default: String(format: "%.0f", value)
        }
    }
}

extension Duration {
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
