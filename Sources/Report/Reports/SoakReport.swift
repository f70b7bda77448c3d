import Foundation
import OptimizeMetrics
import Soak
import WindowSearch

/// The report of a soak directory (`optimize soak --out DIR`): each workload's throughput per
/// iteration against the gate's threshold, and the metrics store's trend for it.
public struct SoakReport: Sendable {
    /// One workload's figures.
    public struct Workload: Sendable {
        public var id: String
        /// Seeds per second by iteration.
        public var samples: [(iteration: Int, seedsPerSecond: Double)]
        /// The gate's history median times its minimum ratio: the lowest median that passes (nil
        /// without enough history).
        public var threshold: Double?
        public var ratio: Double?
        /// The metrics store's records of `soak.ID` (seeds per second, oldest first) and its trend.
        public var store: [Double]
        public var trend: Trend?

        public init(id: String, samples: [(iteration: Int, seedsPerSecond: Double)], threshold: Double?, ratio: Double?,
                    store: [Double], trend: Trend?) {
            self.id = id
            self.samples = samples
            self.threshold = threshold
            self.ratio = ratio
            self.store = store
            self.trend = trend
        }
    }

    public var title: String
    public var source: String
    public var workloads: [Workload]
    public var verdict: String?
    public var reasons: [String]
    public var facts: [(name: String, value: String)]
    public var banners: [String]

    /// Whether `directory` holds a soak (`soak.json`).
    public static func isSoak(_ directory: String) -> Bool {
        FileIO.size(of: FilePath(directory).appending(SoakRun.manifestName)) != nil
    }

    /// Reads the soak in `directory`, and each workload's records in the metrics store at `metrics`
    /// (nil: no store; the trend is left out).
    public static func read(directory: String, metrics: MetricsStore?) throws(InputError) -> SoakReport {
        let base = FilePath(directory)
        let manifestPath = base.appending(SoakRun.manifestName)
        guard let bytes = try FileIO.contents(of: manifestPath, followingLinks: false) else {
            throw InputError(.unreadableFile, source: manifestPath.string, problem: "does not exist", fix: "give the --out directory of `optimize soak`")
        }
        let manifest = try SoakRun.decode(SoakRun.Manifest.self, bytes, path: manifestPath)
        var banners: [String] = []
        var summaries: [IterationSummary] = []
        for iteration in 1...max(1, manifest.iterations) {
            let path = base.appending(IterationSummary.fileName(iteration))
            do throws(InputError) {
                guard let bytes = try FileIO.contents(of: path, followingLinks: false) else { break }
                summaries.append(try SoakRun.decode(IterationSummary.self, bytes, path: path))
            } catch {
                banners.append("Damaged: \(error.source) \(error.problem); the report stops before it.")
                break
            }
        }
        var verdict: String?, reasons: [String] = [], gateThroughput: [String: (threshold: Double?, ratio: Double?)] = [:]
        if let bytes = try? FileIO.contents(of: base.appending(SoakRun.gateName), followingLinks: false), let gate = try? JSONReader.parse(bytes) {
            verdict = gate["verdict"]?.string
            reasons = gate["reasons"]?.array?.compactMap(\.string) ?? []
            for check in gate["throughput"]?.array ?? [] {
                guard let id = check["workload"]?.string else { continue }
                let history = (check["history"]?.array ?? []).compactMap(\.number)
                let minimum = check["minimum_ratio"]?.number
                let median = KPIGate.median(history)
                gateThroughput[id] = (median.flatMap { m in minimum.map { m * $0 } }, check["ratio"]?.number)
            }
        } else {
            let owner = RunSnapshot.owner(of: directory, lockName: SoakRun.lockName)
            banners.append(owner.alive
                ? "This soak is running (process \(owner.pid.map(String.init) ?? "?")): \(summaries.count) of \(manifest.iterations) iterations are done; the gate has not run."
                : "This soak stopped before its gate: \(summaries.count) of \(manifest.iterations) iterations are done (the same command resumes it).")
        }
        let workloads = manifest.workloads.map { id -> Workload in
            let samples = summaries.filter(\.success).compactMap { summary in
                summary.workloads.first { $0.workload == id }.map { (summary.iteration, $0.seedsPerSecond) }
            }
            let records = (try? metrics?.records(of: SoakRun.agent(id)).records) ?? nil
            let store = (records ?? []).filter(\.success).compactMap(\.qualityScore)
            let trend = store.isEmpty ? nil : Trend(values: store, floor: .relative(0.01))
            return Workload(id: id, samples: samples, threshold: gateThroughput[id]?.threshold, ratio: gateThroughput[id]?.ratio,
                            store: store, trend: trend)
        }
        let facts: [(name: String, value: String)] = [
            ("iterations", "\(summaries.count) of \(manifest.iterations)\(manifest.autoTune ? ", auto-tuned" : "")\(manifest.quick ? ", quick" : "")"),
            ("backend", manifest.backend),
            ("overrides", "\(manifest.overrides.json.text) (from \(manifest.overridesSource))"),
            ("thresholds", manifest.thresholdsSource),
            ("verdict", verdict ?? "not yet"),
        ]
        return SoakReport(title: "Soak \((directory as NSString).lastPathComponent)", source: directory, workloads: workloads,
                          verdict: verdict, reasons: reasons, facts: facts, banners: banners)
    }

    public var document: ReportDocument {
        var page = ReportDocument(title: title, kind: "soak", source: source)
        page.facts = facts
        page.banners = banners
        for workload in workloads { page.blocks.append(.plot(plot(workload))) }
        page.blocks.append(.table(id: "gate", title: "The KPI gate: \(verdict ?? "not yet run")",
                                  guide: "The gate's reasons, from KPI_GATE.json: failures first, then inconclusive checks, warnings and passes.",
                                  header: ["reason"], rows: reasons.map { [$0] }))
        return page
    }

    func plot(_ workload: Workload) -> Plot {
        let values = workload.samples.map(\.seedsPerSecond) + workload.store + (workload.threshold.map { [$0] } ?? [])
        let count = max(workload.samples.count, workload.store.count, 1)
        let trend = workload.trend.map { trend in
            " The metrics store's trend for soak.\(workload.id): \(trend.direction.rawValue) \(trend.arrow)"
                + (trend.difference.map { String(format: " (the last %d records' mean against the %d before differs by %.4g seeds/s; stable within %.4g)", trend.recentCount, trend.previousCount, $0, trend.threshold ?? 0) } ?? "")
                + "."
        } ?? " No metrics store records for soak.\(workload.id)."
        var plot = Plot(id: "soak-\(workload.id)", title: "\(workload.id): throughput per iteration",
                        guide: "Seeds per second of \(workload.id) in each iteration of this soak (points), the gate's threshold (dashed: the lowest median that passes, the minimum ratio times the history's median on this machine and backend), and every soak.\(workload.id) record of the metrics store in order (line, oldest first)." + trend,
                        x: .init(label: "iteration (this soak), record (the store)", scale: PlotScale(kind: .linear, spanning: [1, Double(count)]), integers: true),
                        y: .init(label: "seeds per second", scale: PlotScale(kind: .linear, spanning: values, including: [0])))
        plot.height = 240
        plot.emptyNote = "no iteration finished yet"
        plot.series.append(.init(name: "this soak", shape: .points, points: workload.samples.map {
            Plot.Point(x: Double($0.iteration), y: $0.seedsPerSecond, data: [("iteration", String($0.iteration)), ("seeds-per-second", Markup.value($0.seedsPerSecond))])
        }))
        if !workload.store.isEmpty {
            plot.series.append(.init(name: "metrics store", shape: .line, points: workload.store.enumerated().map {
                Plot.Point(x: Double($0.offset + 1), y: $0.element, data: [("record", String($0.offset + 1)), ("seeds-per-second", Markup.value($0.element))])
            }))
        }
        if let threshold = workload.threshold {
            // Styled as the search's significance level: a level to stay above.
            plot.series.append(.init(name: "gate threshold", shape: .rule, points: [Plot.Point(x: 0, y: threshold, data: [("threshold", Markup.value(threshold))])],
                                     style: SearchReport.levelStyle))
        }
        return plot
    }
}
