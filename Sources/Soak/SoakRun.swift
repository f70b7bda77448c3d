import Foundation
import OptimizeMetrics
import Sieve
import WindowSearch

/// A soak: N iterations of benchmark, canary and chance runs in one directory, optionally tuning
/// the runtime overrides between them, then the KPI gate.
///
/// The directory holds `soak.json` (what was asked: a second run with other options is refused),
/// `ITER_SUMMARY_<n>.json` per finished iteration, `TUNING_REPORT.json` (every iteration's headline
/// figures and deltas) and at the end `KPI_GATE.json`, each replaced atomically, under `soak.lock`.
/// A soak killed at any point resumes at its first unfinished iteration with the overrides the last
/// finished one chose; its metrics records carry keys of the soak's id, iteration and workload, so
/// none is counted twice.
public final class SoakRun {
    /// What was asked, as `soak.json` holds it.
    public struct Manifest: Codable, Sendable, Equatable {
        public var format: String
        public var runId: String
        public var iterations: Int
        public var autoTune: Bool
        public var quick: Bool
        public var workloads: [String]
        public var seeds: UInt64?
        public var backend: String
        public var overrides: SoakOverrides
        public var overridesSource: String
        public var thresholdsSource: String
        public var created: String

        public static let currentFormat = "optimize-soak 1"

        public init(format: String = currentFormat, runId: String, iterations: Int, autoTune: Bool, quick: Bool, workloads: [String],
                    seeds: UInt64?, backend: String, overrides: SoakOverrides, overridesSource: String, thresholdsSource: String,
                    created: String) {
            self.format = format
            self.runId = runId
            self.iterations = iterations
            self.autoTune = autoTune
            self.quick = quick
            self.workloads = workloads
            self.seeds = seeds
            self.backend = backend
            self.overrides = overrides
            self.overridesSource = overridesSource
            self.thresholdsSource = thresholdsSource
            self.created = created
        }

        /// Whether `other` asks for the same soak (its id and time aside).
        func sameRequest(_ other: Manifest) -> Bool {
            var a = self, b = other
            (a.runId, a.created, b.runId, b.created) = ("", "", "", "")
            return a == b
        }
    }

    /// What the soak reports as it goes: the watcher's lines.
    public enum Event: Sendable {
        case line(String)
        case iterationStarted(Int)
    }

    public static let manifestName = "soak.json"
    public static let tuningReportName = "TUNING_REPORT.json"
    public static let gateName = "KPI_GATE.json"
    public static let lockName = "soak.lock"

    public let directory: FilePath
    public let manifest: Manifest
    public let thresholds: SoakThresholds
    public let store: MetricsStore?
    private let lock: DirectoryLock
    public private(set) var summaries: [IterationSummary] = []

    /// Opens or resumes the soak in `directory`.
    ///
    /// - Throws: ``InputError``: `runBusy` when another soak holds it, `outputDirectoryMismatch`
    ///   when it holds a soak asked with other options or other files, `damagedOutputDirectory`
    ///   when its files cannot be read.
    public init(directory: FilePath, request: Manifest, thresholds: SoakThresholds, store: MetricsStore?) throws(InputError) {
        self.directory = directory
        self.thresholds = thresholds
        self.store = store
        _ = try FileIO.makeDirectory(directory)
        lock = try DirectoryLock(directory: directory, name: Self.lockName, holder: "soak")
        let manifestPath = directory.appending(Self.manifestName)
        if let bytes = try FileIO.contents(of: manifestPath, followingLinks: false) {
            let existing = try Self.decode(Manifest.self, bytes, path: manifestPath)
            guard existing.format == Manifest.currentFormat, existing.sameRequest(request) else {
                throw InputError(.outputDirectoryMismatch, source: manifestPath.string,
                                 problem: "holds a soak asked with other options (\(existing.iterations) iterations, auto-tune \(existing.autoTune), workloads \(existing.workloads.joined(separator: ",")))",
                                 fix: "give another --out, or the same options to resume it")
            }
            manifest = existing
            for iteration in 1...existing.iterations {
                let path = directory.appending(IterationSummary.fileName(iteration))
                guard let bytes = try FileIO.contents(of: path, followingLinks: false) else { break }
                summaries.append(try Self.decode(IterationSummary.self, bytes, path: path))
            }
        } else {
            guard DirectoryLock.isEffectivelyEmpty(directory, lockName: Self.lockName) else {
                throw InputError(.outputDirectoryMismatch, source: directory.string, problem: "holds other files and no soak.json",
                                 fix: "give an empty or new --out directory")
            }
            manifest = request
            try AtomicFile.write(try Self.fileBytes(request), to: manifestPath)
        }
    }

    /// A soak file's record; a file that does not parse is damage, naming the file.
    public static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], path: FilePath) throws(InputError) -> T {
        let json: JSONValue
        do { json = try JSONReader.parse(bytes) } catch {
            throw InputError(.damagedOutputDirectory, source: path.string, problem: "is not valid JSON: \(error)",
                             fix: "delete the directory and run the soak again")
        }
        return try RunFileCoding.plainDecoder.decode(type, from: json, source: path.string, kind: .damagedOutputDirectory)
    }

    /// A record's file bytes, keys sorted (deterministic output that diffs cleanly).
    static func fileBytes(_ record: some Encodable) throws(InputError) -> [UInt8] {
        try RunFileCoding.encoder.encode(record).sortingKeys().fileBytes
    }

    /// Runs the unfinished iterations, then the gate.
    ///
    /// - Parameters:
    ///   - makeBackend: the backend for a set of overrides.
    ///   - defaultThreads: the threads in force when no override sets them.
    ///   - shouldStop: checked between iterations (SIGINT, SIGTERM).
    /// - Returns: the gate, or nil when stopped before the last iteration.
    public func run(makeBackend: (SoakOverrides) throws -> SoakBackend, defaultThreads: Int, canaryPlacement: String?,
                    observer: (Event) -> Void, shouldStop: () -> Bool = { false }) throws -> KPIGate? {
        var overrides = summaries.last?.nextOverrides ?? manifest.overrides
        while summaries.count < manifest.iterations {
            if shouldStop() { return nil }
            let iteration = summaries.count + 1
            observer(.iterationStarted(iteration))
            let scratch = directory.appending("scratch-\(iteration)")
            try? FileManager.default.removeItem(atPath: scratch.string)
            try FileIO.makeDirectories(scratch)
            defer { try? FileManager.default.removeItem(atPath: scratch.string) }
            var summary: IterationSummary
            do {
                let measured = try SoakIteration.measure(iteration: iteration, overrides: overrides, workloads: manifest.workloads,
                                                         quick: manifest.quick, seeds: manifest.seeds, scratch: scratch,
                                                         canaryPlacement: canaryPlacement, makeBackend: makeBackend)
                var measurements = measured.measurements
                if let first = summaries.first(where: \.success)?.measurements.peakResidentMebibytes, first > 0 {
                    measurements.memoryGrowth = measurements.peakResidentMebibytes / first - 1
                }
                let drivers = DriverRules.drivers(measurements, overrides: overrides, limits: thresholds.drivers,
                                                  defaultThreads: defaultThreads, defaultChunkSize: SearchSettings.defaultChunkSize)
                let next = manifest.autoTune ? overrides.applying(drivers.flatMap(\.deltas)) : overrides
                summary = IterationSummary(
                    iteration: iteration, success: true, failure: nil, overrides: overrides, workloads: measured.samples,
                    canary: measured.canary, chance: measured.chance, measurements: measurements, drivers: drivers.map(\.name),
                    suggestedDeltas: DriverRules.deltas(drivers), rationale: drivers.map(\.rationale), kpi: "PASS",
                    nextOverrides: next, finished: Timestamp.now())
                summary.kpi = KPIGate.evaluate([summary], history: [:], thresholds: thresholds).verdict == .fail ? "FAIL"
                    : (abs(measured.chance.z) > 2 ? "WARN" : "PASS")
            } catch let error as InputError where error.kind == .unwritableFile || error.kind == .diskFull || error.kind == .runBusy {
                throw error
            } catch {
                // The iteration failed (a workload threw): recorded, and the gate fails on it; the soak goes on.
                summary = IterationSummary(
                    iteration: iteration, success: false, failure: "\(error)", overrides: overrides, workloads: [], canary: nil, chance: nil,
                    measurements: .init(perChunkOverhead: nil, threadScaling: nil, dispatchMs: nil, peakResidentMebibytes: SoakIteration.peakResidentMebibytes(),
                                        memoryGrowth: nil),
                    drivers: [], suggestedDeltas: [:], rationale: [], kpi: "FAIL", nextOverrides: overrides, finished: Timestamp.now())
            }
            record(summary)
            try AtomicFile.write(try Self.fileBytes(summary), to: directory.appending(IterationSummary.fileName(iteration)))
            summaries.append(summary)
            try writeTuningReport()
            for line in Self.watchLines(summary) { observer(.line(line)) }
            overrides = summary.nextOverrides
        }
        let gate = KPIGate.evaluate(summaries, history: history(), thresholds: thresholds)
        try AtomicFile.write(try gate.json(thresholds: thresholds, thresholdsSource: manifest.thresholdsSource,
                                           iterations: summaries.count).sortingKeys().fileBytes,
                             to: directory.appending(Self.gateName))
        return gate
    }

    /// The iteration's three `| iter_watch | … |` lines.
    public static func watchLines(_ summary: IterationSummary) -> [String] {
        let mean = summary.seedsPerSecondGeometricMean ?? 0
        let drivers = "[" + summary.drivers.map { "'\($0)'" }.joined(separator: ", ") + "]"
        let recall = summary.canary.map { String($0.recall) } ?? "-"
        let deltas = JSONValue.object(summary.suggestedDeltas.sorted { $0.key < $1.key }.map { ($0.key, Self.number($0.value)) }).text
        let rationale = summary.rationale.isEmpty ? (summary.failure.map { "failed: \($0)" } ?? "no driver over its limit") : summary.rationale.joined(separator: "; ")
        return [
            "| iter_watch | SUMMARY | iter=\(summary.iteration) seeds_per_s=\(String(format: "%.4g", mean)) canary_recall=\(recall) drivers=\(drivers) kpi=\(summary.kpi) |",
            "| iter_watch | SUGGEST | \(deltas) |",
            "| iter_watch | RATIONALE | \(rationale) |",
        ]
    }

    /// `TUNING_REPORT.json`: every finished iteration's headline figures, drivers and deltas.
    func writeTuningReport() throws(InputError) {
        let entries: [JSONValue] = summaries.map { summary in
            .object([
                ("iteration", .integer(summary.iteration)), ("success", .bool(summary.success)), ("kpi", .string(summary.kpi)),
                ("seeds_per_second_geomean", .number(summary.seedsPerSecondGeometricMean)), ("canary_recall", summary.canary.map { .integer($0.recall) } ?? .null),
                ("drivers", .array(summary.drivers.map(JSONValue.string))),
                ("suggested_deltas", .object(summary.suggestedDeltas.sorted { $0.key < $1.key }.map { ($0.key, Self.number($0.value)) })),
                ("overrides", summary.overrides.json), ("next_overrides", summary.nextOverrides.json),
            ])
        }
        let report = JSONValue.object([("run_id", .string(manifest.runId)), ("auto_tune", .bool(manifest.autoTune)),
                                       ("iterations", .integer(manifest.iterations)), ("entries", .array(entries))])
        try AtomicFile.write(report.sortingKeys().fileBytes, to: directory.appending(Self.tuningReportName))
    }

    /// A delta as JSON: whole numbers (threads, chunk sizes) as integers.
    static func number(_ value: Double) -> JSONValue {
        value == value.rounded() && abs(value) < 1e15 ? .integer(Int(value)) : .number(value)
    }

    /// The agent a workload's samples are recorded under.
    public static func agent(_ workload: String) -> String { "soak.\(workload)" }

    /// Records the iteration's samples (and the iteration itself) in the metrics store; a failure warns.
    func record(_ summary: IterationSummary) {
        guard let store else { return }
        do {
            for sample in summary.workloads {
                try _ = store.append(MetricsRecord(success: true, agent: Self.agent(sample.workload), qualityScore: sample.seedsPerSecond,
                                                   executionTimeS: sample.seconds, workload: sample.workload, backend: sample.backend,
                                                   details: .object([("iteration", .integer(summary.iteration)), ("seeds", .uint64(sample.seeds)),
                                                                     ("threads", .integer(sample.threads)), ("overrides", summary.overrides.json)])),
                                     idempotencyKey: MetricsRecord.key("soak", run: manifest.runId, iteration: summary.iteration, workload: sample.workload))
            }
            try _ = store.append(MetricsRecord(success: summary.success, agent: "soak", qualityScore: summary.canary.map { Double($0.recall) },
                                               workload: "iteration", backend: manifest.backend,
                                               details: .object([("iteration", .integer(summary.iteration)), ("kpi", .string(summary.kpi))])),
                                 idempotencyKey: MetricsRecord.key("soak", run: manifest.runId, iteration: summary.iteration, workload: "iteration"))
        } catch {
            FileHandle.standardError.write(Data("warning: the soak's iteration \(summary.iteration) was not recorded in the metrics store: \(error)\n".utf8))
        }
    }

    /// Each workload's history: seeds per second of other soaks' successful records on this
    /// machine and backend, oldest first.
    func history() -> [String: [Double]] {
        guard let store else { return [:] }
        var history: [String: [Double]] = [:]
        let own = "soak/\(manifest.runId)/"
        let host = Machine.current.hostname
        for workload in manifest.workloads {
            guard let records = try? store.records(of: Self.agent(workload)).records else { continue }
            history[workload] = records.filter {
                $0.success && $0.machine.hostname == host && $0.backend == manifest.backend && !$0.idempotencyKey.hasPrefix(own)
            }.compactMap(\.qualityScore)
        }
        return history
    }
}
