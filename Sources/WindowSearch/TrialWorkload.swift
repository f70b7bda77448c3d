import Foundation
import Sieve

/// The trial workloads of docs/performance.md: one window-search trial shaped like the default
/// search bounds, per family, timed through the very code path a search trial takes.
///
/// W1–W5 (``Sieve/StandardWorkload``) time kernels; users wait for trials. A trial workload is one
/// trial of a ``SearchRun`` (`optimize search --config SHAPE --trials 1`) in a temporary run
/// directory, with every parameter fixed by a bounds file of single values (``shape``: window 29
/// at offset 89, burn-in 0, skips 9...105, thresholds 0.36 forward and 0.22 reverse, the midday
/// session), M = 1000, over a daily3-like history of random draws (``writeHistory(to:seed:)``),
/// with the search's chunk size, checkpoints, chance calibration and survivor files, and a
/// ``Sieve/PhaseTimer`` set, so that the time splits into tables, kernel, calibration, writing
/// and the rest.
///
/// ```swift
/// try TrialWorkload.writeHistory(to: "/tmp/h.json")
/// let java = TrialWorkload.all.first { $0.id == "T-java" }!
/// let result = try java.run(seeds: 1 << 22, historyPath: "/tmp/h.json", backend: CPUSieveBackend(), directory: "/tmp/run")
/// result.projectedSeconds    // for 2^32 seeds
/// ```
public struct TrialWorkload: Sendable, Identifiable {
    /// `T-` and the family's short name.
    public let id: String
    public let family: PRNGFamily
    /// Seeds of a `--quick` run (a slice projected to ``fullSeeds``).
    public let quickSeeds: UInt64

    /// Seeds of a full run, which the projection of a shorter one is made for.
    public static let fullSeeds: UInt64 = 1 << 32

    /// The trial's bounds: every entry a single value, as `optimize search --config` reads them
    /// (`Benchmarks/trial-shape.json` holds the same, for `Scripts/bench-trials.sh`).
    public static let shape: JSONValue = .object([
        ("window_size", .integer(29)), ("offset", .integer(89)), ("burn", .integer(0)),
        ("skip_min", .integer(9)), ("skip_max", .integer(105)),
        ("forward_threshold", .double(0.36)), ("reverse_threshold", .double(0.22)), ("sessions", .string("midday")),
    ])
    /// The skips of ``shape``: hypotheses per seed.
    public static let skipCount = 97
    public static let modulus: UInt64 = 1000
    /// The sampler's seed, as `--seed 1` (the run has one trial, `--trials 1`).
    public static let samplerSeed: UInt64 = 1

    /// The history: 9,000 days from 2000-01-01, a midday and an evening draw each, uniform 0...999.
    public static let historyDays = 9000
    /// The seed of the `SplitMix64` generator that draws the history.
    public static let historySeed: UInt64 = 0xDA11_3000

    public var summary: String {
        "\(family.name): one search trial, window 29 at offset 89, skips 9...105, thresholds 0.36/0.22, midday, M = 1000"
    }

    /// One per family: java_lcg, mt19937 and xorshift32 (the trials of issue 11), then the others.
    /// The quick slices (2^19 to 2^22 seeds, whole chunks) were chosen so that each took about
    /// 10-20 s on the 2 build cores, shared, when they were added (the slowest families 2^19).
    /// T-xs32 sweeps all 2^32: its cycle pass (``CyclePass``) is one pass over every seed, which
    /// no slice measures, and takes about as long as the others' slices.
    public static let all: [TrialWorkload] = {
        let entries: [(String, PRNGFamily.ID, Int)] = [
            ("T-java", .java_lcg, 22), ("T-mt", .mt19937, 21), ("T-xs32", .xorshift32, 32),
            ("T-xs64", .xorshift64, 19), ("T-xs128", .xorshift128, 20), ("T-pcg32", .pcg32, 22),
            ("T-lcg32", .lcg32, 22), ("T-minstd", .minstd, 22), ("T-xoshiro", .xoshiro256pp, 19),
            ("T-philox", .philox4x32, 20), ("T-sfc64", .sfc64, 19),
        ]
        return entries.map { TrialWorkload(id: $0.0, family: .family($0.1), quickSeeds: UInt64(1) << UInt64($0.2)) }
    }()

    // MARK: - The history

    /// The daily3-like history in the reference's JSON format
    /// (`[{"draw": 843, "session": "midday", "date": "2000-01-01"}, …]`): 18,000 draws that no
    /// seed explains, as a user's lottery history looks to the sieve.
    public static func historyJSON(seed: UInt64 = historySeed, days: Int = historyDays) -> String {
        var random = SplitMix64(seed: seed)
        var entries: [JSONValue] = []
        entries.reserveCapacity(days * 2)
        let first = Date(timeIntervalSince1970: 946_684_800)  // 2000-01-01T00:00:00Z
        for day in 0..<days {
            let date = JSONValue.string(Timestamp.day(first.addingTimeInterval(Double(day) * 86_400)))
            for session in ["midday", "evening"] {
                entries.append(.object([("draw", .uint64(random.below(modulus))), ("session", .string(session)), ("date", date)]))
            }
        }
        return JSONValue.array(entries).text + "\n"
    }

    /// Writes ``historyJSON(seed:days:)`` to `path` (replaced atomically).
    public static func writeHistory(to path: String, seed: UInt64 = historySeed) throws(InputError) {
        try AtomicFile.write(Array(historyJSON(seed: seed).utf8), to: FilePath(path))
    }

    // MARK: - Running

    /// The settings `optimize search --draws HISTORY --prng F --seeds 0..<N --trials 1 --seed 1
    /// --config SHAPE` makes (every other option at its default), for `history` read from `historyPath`.
    public func settings(seeds: UInt64, history: DrawHistory, historyPath: String, backend: String,
                         chunkSize: UInt64 = SearchSettings.defaultChunkSize) throws(InputError) -> SearchSettings {
        let shape = HistoryShape(history: history)
        let defaults = SearchBounds.defaults(shape: shape, prng: family.name, referenceMode: false)
        let bounds = try SearchBounds.read(Self.shape, source: "the trial shape", over: defaults)
        let settings = SearchSettings(
            historyFile: historyPath, historyPath: URL(fileURLWithPath: historyPath).standardizedFileURL.path,
            historyFormat: nil, newestFirst: false, historyChecksum: history.checksum, prng: family.name, prngParameters: [:],
            modulus: Self.modulus, seeds: SeedRange(first: 0, last: seeds - 1), referenceMode: false, fullReverse: false,
            backend: backend, objective: .significance, alpha: SearchSettings.defaultAlpha, trials: 1,
            samplerSeed: Self.samplerSeed, chunkSize: chunkSize,
            chanceSampleSize: SieveSweep.defaultChanceSampleSize, bounds: bounds)
        try settings.validate(shape: shape, boundsSource: "the trial shape")
        return settings
    }

    /// Runs the trial over seeds `0 ..< seeds` as a search run in `directory` (which must not hold
    /// one), reading the history at `historyPath` as `optimize search` does, and times it.
    ///
    /// - Parameters:
    ///   - backend: the search's backend; `backendName` is what run.json records.
    ///   - chunkSize: seeds per journaled chunk (the search's `--chunk-size`; a soak tunes it).
    ///   - cancellation: the search's cancellation (a cancellable one by default, as the command
    ///     line's, so that dispatches are bounded in time as a search's are); cancelling it ends
    ///     the trial with ``Sieve/SieveCancelled``.
    /// - Throws: ``InputError`` for the files, ``Sieve/SieveCancelled``, or ``TrialWorkload/Failure``
    ///   when the trial did not complete.
    public func run(seeds: UInt64, historyPath: String, backend: SieveBackend, backendName: String = "cpu",
                    threads: Int = CPUKernel.defaultThreadCount, directory: String,
                    chunkSize: UInt64 = SearchSettings.defaultChunkSize,
                    cancellation: Cancellation = Cancellation()) throws -> Result {
        guard seeds >= 1 && seeds <= Self.fullSeeds else {
            throw InputError(.invalidOption, source: "--seeds", problem: "\(seeds) seeds for a trial workload",
                             fix: "give 1 ... 2^32 seeds (a trial workload sweeps seeds 0 ..< n)")
        }
        let history = try DrawHistory.load(path: historyPath)
        let settings = try settings(seeds: seeds, history: history, historyPath: historyPath, backend: backendName, chunkSize: chunkSize)
        let search = try SearchRun.start(directory: directory, settings: settings, history: history, resume: false, backend: backend)
        search.cancellation = cancellation
        let timer = PhaseTimer()
        let clock = ContinuousClock()
        // The sweep reports its progress once before its first chunk and after every chunk: the
        // span between the first and the last report is its chunk loop, with the timer's figures
        // at both ends.
        var loop: (start: ContinuousClock.Instant, end: ContinuousClock.Instant, first: PhaseTimer.Report, last: PhaseTimer.Report)?
        let cpuBefore = processorSeconds()
        let start = clock.now
        let ending = try PhaseTimer.$current.withValue(timer) {
            try search.run(observer: { event in
                guard case .sieveProgress = event else { return }
                let now = clock.now
                let report = timer.report()
                loop = (loop?.start ?? now, now, loop?.first ?? report, report)
            })
        }
        let wall = clock.now - start
        let cpu = processorSeconds() - cpuBefore
        guard case .complete = ending else { throw SieveCancelled() }
        guard let outcome = search.outcomes.first, outcome.state == .complete, let counts = outcome.counts else {
            throw Failure(workload: id, reason: search.outcomes.first?.reason ?? "no trial finished")
        }
        let seconds = wall.seconds
        let loopSeconds = loop.map { ($0.end - $0.start).seconds } ?? 0
        let fixed = Self.fixedSeconds(wall: seconds, loopSeconds: loopSeconds, loopStart: loop?.first, loopEnd: loop?.last)
        return Result(workload: self, backend: backend.name, threads: threads, seeds: seeds, seconds: seconds, cpuSeconds: cpu,
                      phases: timer.report(wall: seconds), chunkLoopSeconds: loopSeconds, fixedSeconds: fixed,
                      forward: counts.forward, bidirectional: counts.bidirectional)
    }

    /// The part of a trial's `wall` seconds that does not grow with its seeds: everything outside
    /// the sweep's chunk loop (opening the run, the chance calibration on its fixed sample, the
    /// summary, the study, best.json), and within the loop the class tables when at most one was
    /// sieved there (a table sieved once per plan; tables sieved chunk after chunk grow with the
    /// seeds) and any calibration. `loopStart` and `loopEnd` are the timer's figures at the ends.
    static func fixedSeconds(wall: Double, loopSeconds: Double, loopStart: PhaseTimer.Report?, loopEnd: PhaseTimer.Report?) -> Double {
        var fixed = wall - loopSeconds
        if let loopStart, let loopEnd {
            let sieved = (loopEnd.callsWithInner[.tables] ?? 0) - (loopStart.callsWithInner[.tables] ?? 0)
            if sieved <= 1 { fixed += loopEnd.inclusive(.tables) - loopStart.inclusive(.tables) }
            fixed += loopEnd.inclusive(.calibration) - loopStart.inclusive(.calibration)
        }
        return min(max(0, fixed), wall)
    }

    /// A trial workload whose trial was pruned or failed (which the fixed shape should never be).
    public struct Failure: Error, CustomStringConvertible {
        public let workload: String
        public let reason: String
        public var description: String { "\(workload): the trial did not complete: \(reason)" }
    }

    /// One trial workload's figures.
    public struct Result: Sendable {
        public let workload: TrialWorkload
        public let backend: String
        public let threads: Int
        public let seeds: UInt64
        /// Wall time of the trial (``SearchRun/run(observer:shouldStop:)``), and processor time
        /// summed over threads.
        public let seconds: Double
        public let cpuSeconds: Double
        /// The trial's time by phase, exclusive (``Sieve/PhaseTimer``), against ``seconds``.
        public let phases: PhaseTimer.Report
        /// The sweep's chunk loop: from its first progress report (before the first chunk) to
        /// its last (after the last chunk).
        public let chunkLoopSeconds: Double
        /// The part of ``seconds`` that does not grow with the seeds (``TrialWorkload/fixedSeconds(wall:loopSeconds:loopStart:loopEnd:)``).
        public let fixedSeconds: Double
        /// The trial's survivors.
        public let forward: Int
        public let bidirectional: Int

        public var seedsPerSecond: Double { Double(seeds) / seconds }
        /// Seeds × skips per second.
        public var hypothesesPerSecond: Double { seedsPerSecond * Double(TrialWorkload.skipCount) }
        /// Seeds per second of one core's processor time.
        public var seedsPerCPUSecond: Double { Double(seeds) / cpuSeconds }

        /// The time for ``TrialWorkload/fullSeeds`` seeds: the measured time when that many were
        /// swept, otherwise ``fixedSeconds`` plus the rest scaled by the seeds.
        public var projectedSeconds: Double {
            guard seeds < TrialWorkload.fullSeeds else { return seconds }
            return fixedSeconds + (seconds - fixedSeconds) * Double(TrialWorkload.fullSeeds) / Double(seeds)
        }
    }
}

extension Duration {
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
