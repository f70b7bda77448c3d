import Campaign
import Foundation
import Sieve
import WindowSearch

/// The report of a campaign (`optimize campaign run --out DIR`): seeds per second, canary recall
/// and candidates per cycle, and the candidates themselves.
public struct CampaignReport: Sendable {
    /// One finished cycle, as the plots use it.
    public struct Cycle: Sendable {
        public var cycle: Int
        public var seedsPerSecond: Double?
        /// 1 when the cycle's planted canary was found, 0 when missed.
        public var recall: Int
        public var candidates: Int
        public var survivors: Int
        public var expectedSurvivors: Double

        public init(cycle: Int, seedsPerSecond: Double?, recall: Int, candidates: Int, survivors: Int, expectedSurvivors: Double) {
            self.cycle = cycle
            self.seedsPerSecond = seedsPerSecond
            self.recall = recall
            self.candidates = candidates
            self.survivors = survivors
            self.expectedSurvivors = expectedSurvivors
        }
    }

    public var title: String
    public var source: String
    public var cycles: [Cycle]
    public var cyclesTotal: Int
    /// Candidates: cycle, seed, skip, matches, log10 p.
    public var candidates: [[String]]
    public var facts: [(name: String, value: String)]
    public var banners: [String]

    public init(title: String, source: String, cycles: [Cycle], cyclesTotal: Int, candidates: [[String]],
                facts: [(name: String, value: String)] = [], banners: [String] = []) {
        self.title = title
        self.source = source
        self.cycles = cycles
        self.cyclesTotal = cyclesTotal
        self.candidates = candidates
        self.facts = facts
        self.banners = banners
    }

    /// Reads the campaign in `directory`; damaged files and a running campaign are said in banners.
    public static func read(directory: String) throws(InputError) -> CampaignReport {
        let snapshot = try CampaignSnapshot.read(directory: directory)
        var banners: [String] = []
        if snapshot.owner.alive {
            banners.append("This campaign is running (process \(snapshot.owner.pid.map(String.init) ?? "?")): the report shows the cycles finished when it was made.")
        } else if snapshot.totalTrials > 0 && snapshot.trials.count < snapshot.totalTrials {
            banners.append("This campaign stopped before it finished: \(snapshot.trials.count) of \(snapshot.totalTrials) cycles are recorded (`optimize campaign run` with the same options goes on).")
        }
        for damage in snapshot.damage { banners.append("Damaged: \(damage.file): \(damage.problem)") }
        let base = FilePath(directory)
        var records: [CycleRecord] = []
        do throws(InputError) {
            let path = base.appending(CampaignFiles.history)
            records = try Campaign.cycles(in: Journal.read(path, damage: .damagedOutputDirectory).records, path: path.string)
        } catch {
            // Already in the snapshot's damage.
        }
        var candidates: [[String]] = []
        if let lines = try? JSONLines.read(base.appending(CampaignFiles.candidates)).lines {
            for (index, line) in lines.enumerated() {
                guard let candidate = try? RunFileCoding.plainDecoder.decode(Candidate.self, from: line, source: "\(CampaignFiles.candidates): line \(index + 1)",
                                                                             kind: .damagedOutputDirectory) else {
                    banners.append("Damaged: \(CampaignFiles.candidates): line \(index + 1) is not a candidate; the report leaves it out.")
                    continue
                }
                candidates.append([String(candidate.cycle), String(candidate.seed), String(candidate.skip),
                                   "\(candidate.matches)/\(candidate.draws)", String(format: "%.2f", candidate.log10P)])
            }
        }
        let cycles = records.map {
            Cycle(cycle: $0.cycle, seedsPerSecond: $0.seedsPerSecond, recall: $0.canary.recall, candidates: $0.candidates,
                  survivors: $0.survivors, expectedSurvivors: $0.expectedSurvivors)
        }
        var facts: [(name: String, value: String)] = [("status", "\(snapshot.runStatus): \(records.count) of \(snapshot.totalTrials) cycles")]
        if let campaign = snapshot.campaign {
            facts.append(("seeds", "\(campaign.seedsTotal), done \(campaign.seedsDone(cycles: records.count))"))
            facts.append(("command", campaign.command))
        }
        if let last = records.last {
            facts.append(("champion", last.champion.contentHash.map { "\(last.champion.name) (SHA-256 \($0.prefix(12))…)" } ?? "\(last.champion.name) (the baseline)"))
        }
        return CampaignReport(title: "Campaign \((directory as NSString).lastPathComponent)", source: directory, cycles: cycles,
                              cyclesTotal: snapshot.totalTrials, candidates: candidates, facts: facts, banners: banners)
    }

    // MARK: The page

    public var document: ReportDocument {
        var page = ReportDocument(title: title, kind: "campaign", source: source)
        page.facts = facts
        page.banners = banners
        page.blocks.append(.plot(throughput))
        page.blocks.append(.plot(recall))
        page.blocks.append(.plot(candidatesPlot))
        page.blocks.append(.table(id: "candidates", title: "Candidates",
                                  guide: candidates.isEmpty ? "No cycle has found a candidate." : "Seeds that passed the candidate rule, from candidates.jsonl.",
                                  header: ["cycle", "seed", "skip", "matches", "log10 p"], rows: candidates))
        return page
    }

    var cycleAxis: Plot.Axis {
        .init(label: "cycle", scale: PlotScale(kind: .linear, spanning: [0, Double(max(1, cyclesTotal - 1))]), integers: true)
    }

    var throughput: Plot {
        let rates = cycles.compactMap(\.seedsPerSecond)
        var plot = Plot(id: "throughput", title: "Seeds per second",
                        guide: "Each cycle's seeds divided by the seconds its sieve took. A drop is a slower machine, a busy one, or a cycle resumed after a kill.",
                        x: cycleAxis, y: .init(label: "seeds per second", scale: PlotScale(kind: .linear, spanning: rates, including: [0])))
        plot.emptyNote = "no cycle finished yet"
        plot.series.append(.init(name: "seeds per second", shape: .line, points: cycles.compactMap { cycle in
            cycle.seedsPerSecond.map { Plot.Point(x: Double(cycle.cycle), y: $0, data: [("cycle", String(cycle.cycle)), ("seeds-per-second", Markup.value($0))]) }
        }))
        return plot
    }

    var recall: Plot {
        var plot = Plot(id: "recall", title: "Canary recall",
                        guide: "Whether each cycle found the seed planted in its own canary history (1) or missed it (0). Every cycle should be at 1: a miss means the champion's thresholds or the sieve failed on a seed known to be there.",
                        x: cycleAxis, y: .categories(["missed", "found"], label: "canary"))
        plot.height = 200
        plot.emptyNote = "no cycle finished yet"
        plot.series.append(.init(name: "found", shape: .points, points: cycles.filter { $0.recall == 1 }.map {
            Plot.Point(x: Double($0.cycle), y: 1, data: [("cycle", String($0.cycle)), ("recall", "1")])
        }))
        plot.series.append(.init(name: "missed", shape: .points, points: cycles.filter { $0.recall != 1 }.map {
            Plot.Point(x: Double($0.cycle), y: 0, data: [("cycle", String($0.cycle)), ("recall", String($0.recall))])
        }, style: PlotStyle.series(1)))
        return plot
    }

    var candidatesPlot: Plot {
        var plot = Plot(id: "candidates", title: "Candidates per cycle",
                        guide: "How many seeds of each cycle passed the candidate rule (far more matches than chance allows for the cycle's seeds). Chance alone gives none; each bar is worth a look in the table below.",
                        x: cycleAxis,
                        y: .init(label: "candidates", scale: PlotScale(kind: .linear, spanning: cycles.map { Double($0.candidates) }, including: [0, 1]), integers: true))
        plot.height = 220
        plot.emptyNote = "no cycle finished yet"
        plot.series.append(.init(name: "candidates", shape: .rectangles, rectangles: cycles.map {
            Plot.Rectangle(x: (Double($0.cycle) - 0.35)...(Double($0.cycle) + 0.35), y: 0...Double($0.candidates),
                           data: [("cycle", String($0.cycle)), ("candidates", String($0.candidates))])
        }))
        return plot
    }
}
