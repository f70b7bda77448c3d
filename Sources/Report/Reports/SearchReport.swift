import Foundation
import Sieve
import WindowSearch

/// The report of a search run: its history, a slice per parameter, parameter importance,
/// survivors against chance, the timeline, the best trial's window over the history and the
/// champion promoted from it.
///
/// The plots are made from ``Row``s and ``Segment``s, plain values read once from the run
/// (``read(directory:champions:)``), so that tests can build a report of any size without a run.
public struct SearchReport: Sendable {
    /// One finished trial, as the plots use it.
    public struct Row: Sendable {
        public var trial: Int
        public var state: TrialState
        public var score: Double?
        public var claims: Bool
        /// The numeric parameters (window_size, offset, …, thresholds), by name.
        public var numeric: [(name: String, value: Double)]
        /// The categorical ones (sessions, prng), by name.
        public var categorical: [(name: String, value: String)]
        /// Bidirectional survivors observed, and expected by chance alone.
        public var observed: Int?
        public var expected: Double?

        public init(trial: Int, state: TrialState, score: Double?, claims: Bool, numeric: [(name: String, value: Double)],
                    categorical: [(name: String, value: String)], observed: Int?, expected: Double?) {
            self.trial = trial
            self.state = state
            self.score = score
            self.claims = claims
            self.numeric = numeric
            self.categorical = categorical
            self.observed = observed
            self.expected = expected
        }
    }

    /// A stretch of time one process worked on a trial (`timings.journal`).
    public struct Segment: Sendable {
        public var trial: Int
        /// Seconds after the first stretch of the run began.
        public var start: Double
        public var end: Double
        /// Whether the trial's sieve had begun in an earlier process (it was killed and resumed).
        public var resumed: Bool

        public init(trial: Int, start: Double, end: Double, resumed: Bool) {
            self.trial = trial
            self.start = start
            self.end = end
            self.resumed = resumed
        }
    }

    /// The best trial's window, for the plot over the history.
    public struct Window: Sendable {
        public var trial: Int
        public var draws: [UInt64]
        public var forward: Range<Int>
        public var reverse: Range<Int>?
        public var description: String

        public init(trial: Int, draws: [UInt64], forward: Range<Int>, reverse: Range<Int>?, description: String) {
            self.trial = trial
            self.draws = draws
            self.forward = forward
            self.reverse = reverse
            self.description = description
        }
    }

    public var title: String
    public var source: String
    public var rows: [Row]
    public var segments: [Segment]
    /// The significance level, −log10(α / trials).
    public var level: Double
    public var facts: [(name: String, value: String)]
    public var banners: [String]
    public var window: Window?
    /// Why there is no window plot (no complete trial, the history file is gone).
    public var windowNote: String?
    /// Champions promoted from this run: name, trial, configuration, hash.
    public var champions: [[String]]
    /// Parameters the bounds fix (not plotted: they cannot explain anything).
    public var fixed: Set<String>

    public init(title: String, source: String, rows: [Row], segments: [Segment], level: Double,
                facts: [(name: String, value: String)] = [], banners: [String] = [], window: Window? = nil,
                windowNote: String? = nil, champions: [[String]] = [], fixed: Set<String> = []) {
        self.title = title
        self.source = source
        self.rows = rows
        self.segments = segments
        self.level = level
        self.facts = facts
        self.banners = banners
        self.window = window
        self.windowNote = windowNote
        self.champions = champions
        self.fixed = fixed
    }

    // MARK: The page

    /// The report's page.
    public var document: ReportDocument {
        var page = ReportDocument(title: title, kind: "search run", source: source)
        page.facts = facts
        page.banners = banners
        page.blocks.append(.plot(history))
        for plot in slices { page.blocks.append(.plot(plot)) }
        page.blocks.append(.plot(importance))
        page.blocks.append(.plot(survivors))
        page.blocks.append(.plot(timeline))
        page.blocks.append(.plot(windowPlot))
        page.blocks.append(.table(id: "champions", title: "Champions promoted from this run",
                                  guide: champions.isEmpty
                                      ? "No champion in the champions directory was promoted from this run (`optimize champion promote RUN` makes one)."
                                      : "Each champion file whose origin is this run: the campaign and `sieve --champion` use its configuration.",
                                  header: ["name", "trial", "configuration", "SHA-256"], rows: champions))
        return page
    }

    /// The significance level's rule looks the same in every plot.
    static let levelStyle = PlotStyle.series(2)

    var complete: [Row] { rows.filter { $0.state == .complete && $0.score != nil } }

    static func point(_ row: Row, x: Double, y: Double, _ extra: [(name: String, value: String)] = []) -> Plot.Point {
        Plot.Point(x: x, y: y, data: [("trial", String(row.trial))] + extra)
    }

    /// Score per trial, the best so far, the level, and the pruned and failed trials along the bottom.
    var history: Plot {
        let trials = rows.map { Double($0.trial) }
        let scores = complete.map { $0.score! }
        var plot = Plot(id: "history", title: "Optimisation history",
                        guide: "Each complete trial's score (−log10 of its p-value against chance) in the order the sampler proposed it; the step line is the best score so far, and the dashed line the significance level (Bonferroni over the run's trials): a trial above it claims significance. Pruned and failed trials, which have no score, are marked along the bottom.",
                        x: .init(label: "trial", scale: PlotScale(kind: .linear, spanning: trials, including: [0]), integers: true),
                        y: .init(label: "score (−log10 p)", scale: PlotScale(kind: .linear, spanning: scores, including: [0, level])))
        plot.emptyNote = "no complete trial yet"
        let floor = plot.y.scale.domain.lowerBound
        plot.series.append(.init(name: "complete trial", shape: .points, points: complete.map {
            Self.point($0, x: Double($0.trial), y: $0.score!, [("score", Markup.value($0.score!))])
        }))
        var best = -Double.infinity
        var steps: [Plot.Point] = []
        for row in complete where row.score! > best {
            best = row.score!
            steps.append(Self.point(row, x: Double(row.trial), y: best, [("best", Markup.value(best))]))
        }
        plot.series.append(.init(name: "best so far", shape: .step, points: steps))
        plot.series.append(.init(name: "significance level", shape: .rule,
                                 points: [Plot.Point(x: 0, y: level, data: [("level", Markup.value(level))])], style: Self.levelStyle))
        for (state, name) in [(TrialState.pruned, "pruned"), (.failed, "failed")] {
            let marked = rows.filter { $0.state == state }
            if !marked.isEmpty {
                plot.series.append(.init(name: name, shape: .points, points: marked.map {
                    Self.point($0, x: Double($0.trial), y: floor, [("state", name)])
                }, style: PlotStyle.series(state == .pruned ? 4 : 1)))
            }
        }
        return plot
    }

    /// Names of the parameters to plot: those the bounds do not fix, in the record's order.
    var parameterNames: (numeric: [String], categorical: [String]) {
        let first = rows.first
        return ((first?.numeric.map(\.name) ?? []).filter { !fixed.contains($0) },
                (first?.categorical.map(\.name) ?? []).filter { !fixed.contains($0) })
    }

    /// Score against each parameter's value.
    var slices: [Plot] {
        let names = parameterNames
        var plots: [Plot] = []
        let scores = complete.map { $0.score! }
        for name in names.numeric {
            let values = complete.compactMap { row in row.numeric.first { $0.name == name }?.value }
            var plot = Plot(id: "slice-\(name)", title: "Slice: score against \(name)",
                            guide: "Each complete trial's score against its value of \(name). Scores that climb where the values gather show the region the sampler found; a flat cloud says the score does not depend on \(name) alone.",
                            x: .init(label: name.replacingOccurrences(of: "_", with: " ") + Self.unit(of: name),
                                     scale: PlotScale(kind: .linear, spanning: values)),
                            y: .init(label: "score (−log10 p)", scale: PlotScale(kind: .linear, spanning: scores, including: [0, level])))
            plot.height = 220
            plot.emptyNote = "no complete trial yet"
            plot.series.append(.init(name: "complete trial", shape: .points, points: complete.compactMap { row in
                row.numeric.first { $0.name == name }.map {
                    Self.point(row, x: $0.value, y: row.score!, [("value", Markup.value($0.value)), ("score", Markup.value(row.score!))])
                }
            }))
            plot.series.append(.init(name: "significance level", shape: .rule, points: [Plot.Point(x: 0, y: level)], style: Self.levelStyle))
            plots.append(plot)
        }
        for name in names.categorical {
            let categories = Array(Set(complete.compactMap { row in row.categorical.first { $0.name == name }?.value })).sorted()
            guard categories.count > 1 else { continue }
            let index = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($0.element, $0.offset) })
            var plot = Plot(id: "slice-\(name)", title: "Slice: score against \(name)",
                            guide: "Each complete trial's score for each value of \(name) the sampler tried.",
                            x: .categories(categories, label: name),
                            y: .init(label: "score (−log10 p)", scale: PlotScale(kind: .linear, spanning: scores, including: [0, level])))
            plot.height = 220
            plot.series.append(.init(name: "complete trial", shape: .points, points: complete.compactMap { row in
                row.categorical.first { $0.name == name }.map {
                    Self.point(row, x: Double(index[$0.value]!), y: row.score!, [("value", $0.value), ("score", Markup.value(row.score!))])
                }
            }))
            plots.append(plot)
        }
        return plots
    }

    static func unit(of parameter: String) -> String {
        switch parameter {
        case "window_size", "offset", "burn": " (draws)"
        case "skip_min", "skip_max": " (outputs skipped)"
        case "forward_threshold", "reverse_threshold": " (fraction of the window)"
        default: ""
        }
    }

    /// ε² of the score per parameter (``ParameterImportance``).
    var importance: Plot {
        let names = parameterNames
        let scores = complete.map { $0.score! }
        var columns: [(name: String, values: [Double])] = names.numeric.map { name in
            (name, complete.map { row in row.numeric.first { $0.name == name }?.value ?? .nan })
        }
        for name in names.categorical {
            let categories = Array(Set(complete.compactMap { row in row.categorical.first { $0.name == name }?.value })).sorted()
            let index = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($0.element, Double($0.offset)) })
            columns.append((name, complete.map { row in index[row.categorical.first { $0.name == name }?.value ?? ""] ?? -1 }))
        }
        let estimates = ParameterImportance.estimate(columns, scores: scores).reversed()
        let categories = estimates.map(\.name)
        var plot = Plot(id: "importance", title: "Parameter importance",
                        guide: "ε² (epsilon squared) of the score grouped by each parameter's value, in up to 10 groups of equal size: the share of the scores' variance that the parameter explains on its own, less what that many groups would explain by chance. It ignores interactions between parameters; it is cheap and needs no model. Parameters the bounds fix are not shown.",
                        x: .init(label: "ε² (share of the score's variance)", scale: PlotScale(kind: .linear, exactly: 0...1)),
                        y: .categories(categories, label: "parameter"))
        plot.height = max(160, 60 + Double(categories.count) * 24)
        plot.emptyNote = "needs at least 3 complete trials with varying scores"
        plot.series.append(.init(name: "ε²", shape: .rectangles, rectangles: estimates.enumerated().map { index, estimate in
            Plot.Rectangle(x: 0...estimate.epsilonSquared, y: (Double(index) - 0.35)...(Double(index) + 0.35),
                           data: [("parameter", estimate.name), ("epsilon-squared", Markup.value(estimate.epsilonSquared))])
        }))
        return plot
    }

    /// Bidirectional survivors observed against those chance alone leaves, per trial, on a log scale.
    var survivors: Plot {
        let counted = complete.filter { $0.observed != nil }
        let positive = counted.compactMap { $0.observed.map { Double($0) } }.filter { $0 > 0 }
            + counted.compactMap(\.expected).filter { $0 > 0 }
        // Up to 10: a trial's single survivor sits inside the plot, not on its edge.
        let scale = PlotScale(kind: .logarithmic, spanning: positive, including: [1, 10])
        var plot = Plot(id: "survivors", title: "Survivors against chance",
                        guide: "For each complete trial, the seeds that survived both tests (observed) and the number chance alone would leave (expected), on a logarithmic scale. Observed far above expected is evidence; observed near expected is what noise gives. Trials with no survivor are drawn hollow on the bottom edge.",
                        x: .init(label: "trial", scale: PlotScale(kind: .linear, spanning: rows.map { Double($0.trial) }, including: [0]), integers: true),
                        y: .init(label: "bidirectional survivors (seeds, log scale)", scale: scale))
        plot.emptyNote = "no complete trial yet"
        let floor = scale.domain.lowerBound
        plot.series.append(.init(name: "observed", shape: .points, points: counted.filter { ($0.observed ?? 0) > 0 }.map {
            Self.point($0, x: Double($0.trial), y: Double($0.observed!), [("observed", String($0.observed!))])
        }))
        plot.series.append(.init(name: "expected by chance", shape: .points, points: counted.filter { ($0.expected ?? 0) > 0 }.map {
            Self.point($0, x: Double($0.trial), y: $0.expected!, [("expected", Markup.value($0.expected!))])
        }))
        let none = counted.filter { $0.observed == 0 }
        if !none.isEmpty {
            plot.series.append(.init(name: "observed 0", shape: .hollowPoints, points: none.map {
                Self.point($0, x: Double($0.trial), y: floor, [("observed", "0")])
            }, style: PlotStyle.series(0)))
        }
        return plot
    }

    /// When each trial ran: one bar per process that worked on it; resumed stretches marked.
    var timeline: Plot {
        let ends = segments.map(\.end)
        let (scaleX, unit): (Double, String) = (ends.max() ?? 0) > 7200 ? (3600, "hours") : ((ends.max() ?? 0) > 120 ? (60, "minutes") : (1, "seconds"))
        var plot = Plot(id: "timeline", title: "Trial timeline",
                        guide: "Each trial's time on the clock, from the first trial's start: one bar per process that worked on it, so a trial killed and resumed has two bars (the resumed stretch in the second colour). Gaps between bars are time the search was not running; long bars are the slow trials.",
                        x: .init(label: "time since the run began (\(unit))", scale: PlotScale(kind: .linear, spanning: ends.map { $0 / scaleX }, including: [0])),
                        y: .init(label: "trial", scale: PlotScale(kind: .linear, spanning: segments.map { Double($0.trial) }, including: [0]), integers: true))
        plot.emptyNote = "no trial timed yet"
        for resumed in [false, true] {
            let chosen = segments.filter { $0.resumed == resumed }
            guard !chosen.isEmpty || !resumed else { continue }
            plot.series.append(.init(name: resumed ? "resumed after a kill" : "ran", shape: .rectangles, rectangles: chosen.map {
                Plot.Rectangle(x: ($0.start / scaleX)...($0.end / scaleX), y: (Double($0.trial) - 0.4)...(Double($0.trial) + 0.4),
                               data: [("trial", String($0.trial)), ("seconds", Markup.value($0.end - $0.start))])
            }))
        }
        return plot
    }

    /// The history's draws, with the best trial's forward and reverse windows over them.
    var windowPlot: Plot {
        let draws = window?.draws ?? []
        var plot = Plot(id: "window", title: "The best trial's window over the history",
                        guide: window.map { "\($0.description) The dots are the history's draws in order (oldest first, after the trial's session filter); the shaded bands are the draws its forward and reverse windows compared." }
                            ?? "The best trial's window over the history's draws.",
                        x: .init(label: "draw (position in the history, oldest first)", scale: PlotScale(kind: .linear, spanning: [0, Double(max(1, draws.count))]), integers: true),
                        y: .init(label: "draw value", scale: PlotScale(kind: .linear, spanning: draws.map { Double($0) }, including: [0])))
        plot.emptyNote = windowNote ?? "no complete trial yet"
        guard let window else { return plot }
        let top = plot.y.scale.domain.upperBound
        plot.series.append(.init(name: "forward window", shape: .bands, rectangles: [
            Plot.Rectangle(x: Double(window.forward.lowerBound)...Double(window.forward.upperBound), y: 0...top,
                           data: [("first", String(window.forward.lowerBound)), ("end", String(window.forward.upperBound))]),
        ]))
        if let reverse = window.reverse {
            plot.series.append(.init(name: "reverse window", shape: .bands, rectangles: [
                Plot.Rectangle(x: Double(reverse.lowerBound)...Double(reverse.upperBound), y: 0...top,
                               data: [("first", String(reverse.lowerBound)), ("end", String(reverse.upperBound))]),
            ]))
        }
        plot.series.append(.init(name: "draw", shape: .points, points: draws.enumerated().map {
            Plot.Point(x: Double($0.offset) + 0.5, y: Double($0.element), data: [("index", String($0.offset)), ("draw", String($0.element))])
        }, style: PlotStyle.series(6)))
        return plot
    }
}
