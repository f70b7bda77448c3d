import Foundation
import Sieve
import WindowSearch

/// The report of a sieve sweep (`optimize sieve --out DIR`): its survivors by seed and skip, and
/// their forward matches against the distribution chance alone gives.
public struct SweepReport: Sendable {
    /// One survivor, as the plots use it.
    public struct Survivor: Sendable {
        public var seed: UInt64
        public var skip: UInt32
        public var matches: Int
        public var bidirectional: Bool

        public init(seed: UInt64, skip: UInt32, matches: Int, bidirectional: Bool) {
            self.seed = seed
            self.skip = skip
            self.matches = matches
            self.bidirectional = bidirectional
        }
    }

    public var title: String
    public var source: String
    public var survivors: [Survivor]
    public var seeds: ClosedRange<UInt64>
    public var skips: ClosedRange<UInt32>
    /// The forward window's draws and the fewest matches a survivor needs.
    public var window: Int
    public var minimumMatches: Int
    /// Survivors chance alone would leave at each forward match count `minimumMatches...window`
    /// (nil while the sweep is unfinished: its chance expectation is written at its end).
    public var chance: [Double]?
    public var facts: [(name: String, value: String)]
    public var banners: [String]

    /// The smallest expected count the matches plot's axis reaches down to.
    static let chanceFloor = 1e-6

    /// Above this many survivors the seed-by-skip plot counts them in cells instead of drawing each.
    public static let scatterLimit = 2000

    public init(title: String, source: String, survivors: [Survivor], seeds: ClosedRange<UInt64>, skips: ClosedRange<UInt32>,
                window: Int, minimumMatches: Int, chance: [Double]?, facts: [(name: String, value: String)] = [], banners: [String] = []) {
        self.title = title
        self.source = source
        self.survivors = survivors
        self.seeds = seeds
        self.skips = skips
        self.window = window
        self.minimumMatches = minimumMatches
        self.chance = chance
        self.facts = facts
        self.banners = banners
    }

    /// Reads the sweep in `directory`; an unfinished or running sweep is reported as far as its
    /// journal goes, with a banner.
    public static func read(directory: String) throws(InputError) -> SweepReport {
        let contents = try SweepContents(directory: directory)
        let identity = contents.manifest.identity
        let parameters = identity.parameters
        var banners: [String] = []
        let owner = RunSnapshot.owner(of: directory, lockName: DirectoryLock.sweep)
        let seeds = identity.sweptSeeds
        let done = contents.entries.last.map { $0.last }
        if owner.alive {
            banners.append("This sweep is running (process \(owner.pid.map(String.init) ?? "?")): the report shows the survivors of the seeds swept so far.")
        } else if contents.summary == nil {
            banners.append("This sweep stopped before it finished (seeds swept up to \(done.map(String.init) ?? "none")); running the same `optimize sieve` again resumes it.")
        }
        var survivors: [Survivor] = []
        do {
            try contents.forEach { record in
                survivors.append(Survivor(seed: record.seed, skip: record.forwardSkip, matches: Int(record.forwardMatches),
                                          bidirectional: record.passed.contains(.bidirectional)))
                return true
            }
        } catch let error as InputError {
            banners.append("Damaged: \(error.source) \(error.problem); the report shows the survivors before it.")
        } catch {
            banners.append("Damaged: \(error); the report shows the survivors before it.")
        }
        var chance: [Double]?
        if let summary = contents.summary, let expected = summary.chance.expected(.forward) {
            chance = Self.chanceDistribution(window: parameters.window, minimum: parameters.forwardMinMatches,
                                             skips: Int(parameters.skipMax) - Int(parameters.skipMin) + 1,
                                             modulus: parameters.modulus, expectedSurvivors: expected)
        }
        var facts: [(name: String, value: String)] = [
            ("family and modulus", "\(parameters.prng.family), draws mod \(parameters.modulus)"),
            ("seeds", "\(seeds.first)...\(seeds.last)"),
            ("window", "\(parameters.window) draws at offset \(parameters.offset), skips \(parameters.skipMin)...\(parameters.skipMax), forward threshold \(parameters.threshold) (\(parameters.forwardMinMatches) matches)"),
            ("history", "\(contents.manifest.historyFile) (SHA-256 \(identity.history.sha256.prefix(12))…)"),
        ]
        if let summary = contents.summary {
            facts.append(("survivors", "\(summary.forward) forward, \(summary.bidirectional.map(String.init) ?? "–") bidirectional; chance alone: \(summary.chance.expected(.forward).map { Markup.label($0) } ?? "–") forward (\(summary.chance.model.rawValue) model)"))
        }
        return SweepReport(title: "Sweep \((directory as NSString).lastPathComponent)", source: directory, survivors: survivors,
                           seeds: seeds.first...seeds.last, skips: parameters.skipMin...parameters.skipMax, window: parameters.window,
                           minimumMatches: parameters.forwardMinMatches, chance: chance, facts: facts, banners: banners)
    }

    /// Survivors chance would leave at each best forward match count m = `minimum...window`: the
    /// shape of the maximum over `skips` independent Binomial(window, 1/modulus) counts,
    /// P(max = m) = F(m)^S − F(m − 1)^S, scaled so that its sum is the sweep's own expectation
    /// (`expectedSurvivors`, from its analytic or empirical model).
    public static func chanceDistribution(window: Int, minimum: Int, skips: Int, modulus: UInt64, expectedSurvivors: Double) -> [Double] {
        guard window >= minimum, minimum >= 0, modulus > 0 else { return [] }
        let p = 1 / Double(modulus)
        var pmf = [Double](repeating: 0, count: window + 1)
        // log of C(n, m) p^m (1−p)^(n−m), summed in doubles.
        for m in 0...window {
            let logTerm = lgamma(Double(window + 1)) - lgamma(Double(m + 1)) - lgamma(Double(window - m + 1))
                + Double(m) * log(p) + Double(window - m) * log1p(-p)
            pmf[m] = exp(logTerm)
        }
        // Upper tails are summed from the top, so that tiny probabilities keep their digits.
        var upper = [Double](repeating: 0, count: window + 2)
        for m in stride(from: window, through: 0, by: -1) { upper[m] = upper[m + 1] + pmf[m] }
        func maximumAtLeast(_ m: Int) -> Double {  // 1 − F(m−1)^S
            let tail = min(1, upper[m])
            return -expm1(Double(skips) * log1p(-tail))
        }
        let shape = (minimum...window).map { maximumAtLeast($0) - maximumAtLeast($0 + 1) }
        let total = shape.reduce(0, +)
        guard total > 0 else { return shape.map { _ in 0 } }
        return shape.map { $0 / total * expectedSurvivors }
    }

    // MARK: The page

    public var document: ReportDocument {
        var page = ReportDocument(title: title, kind: "sieve sweep", source: source)
        page.facts = facts
        page.banners = banners
        page.blocks.append(.plot(bySeedAndSkip))
        page.blocks.append(.plot(matches))
        return page
    }

    var bySeedAndSkip: Plot {
        let x = PlotScale(kind: .linear, spanning: [Double(seeds.lowerBound), Double(seeds.upperBound)])
        let y = PlotScale(kind: .linear, spanning: [Double(skips.lowerBound), Double(skips.upperBound)])
        var plot = Plot(id: "survivors", title: "Survivors by seed and skip",
                        guide: survivors.count <= Self.scatterLimit
                            ? "Each survivor at its seed and at the skip with its most forward matches; survivors of both tests are drawn apart from forward-only ones. Chance scatters survivors evenly; a planted seed is a single point, and a column or row of points says a seed region or a skip is special."
                            : "The survivors counted in cells of seeds by skips (there are \(survivors.count), too many to draw each): the darker a cell, the more survivors (a logarithmic shade). Chance spreads them evenly.",
                        x: .init(label: "seed", scale: x, integers: true), y: .init(label: "skip (outputs skipped)", scale: y, integers: true))
        plot.emptyNote = "no survivor"
        if survivors.count <= Self.scatterLimit {
            for bidirectional in [false, true] {
                let chosen = survivors.filter { $0.bidirectional == bidirectional }
                plot.series.append(.init(name: bidirectional ? "survived both tests" : "forward only", shape: .points, points: chosen.map {
                    Plot.Point(x: Double($0.seed), y: Double($0.skip),
                               data: [("seed", String($0.seed)), ("skip", String($0.skip)), ("matches", String($0.matches))])
                }))
            }
            return plot
        }
        let columns = 60, rows = min(40, Int(skips.upperBound - skips.lowerBound) + 1)
        var counts = [Int](repeating: 0, count: columns * rows)
        let span = Double(seeds.upperBound - seeds.lowerBound) + 1
        let skipSpan = Double(skips.upperBound - skips.lowerBound) + 1
        for survivor in survivors {
            let column = min(columns - 1, Int(Double(survivor.seed - seeds.lowerBound) / span * Double(columns)))
            let row = min(rows - 1, Int(Double(survivor.skip - skips.lowerBound) / skipSpan * Double(rows)))
            counts[row * columns + column] += 1
        }
        let most = log(Double(counts.max() ?? 1) + 1)
        var cells: [Plot.Series] = []
        // Five shades of one colour (by log count), each a series: the legend names its range.
        for shade in 0..<5 {
            var rectangles: [Plot.Rectangle] = []
            for row in 0..<rows {
                for column in 0..<columns where counts[row * columns + column] > 0 {
                    let count = counts[row * columns + column]
                    guard min(4, Int(log(Double(count) + 1) / most * 5)) == shade else { continue }
                    let x0 = Double(seeds.lowerBound) + span * Double(column) / Double(columns)
                    let y0 = Double(skips.lowerBound) + skipSpan * Double(row) / Double(rows) - 0.5
                    rectangles.append(Plot.Rectangle(x: x0...(x0 + span / Double(columns)), y: y0...(y0 + skipSpan / Double(rows)),
                                                     data: [("count", String(count))]))
                }
            }
            guard !rectangles.isEmpty else { continue }
            let low = Int(exp(most * Double(shade) / 5).rounded(.up)) - 1, high = Int(exp(most * Double(shade + 1) / 5)) - 1
            cells.append(.init(name: "\(max(1, low))–\(max(1, high)) survivors", shape: .rectangles, rectangles: rectangles,
                               style: PlotStyle(colour: "#0072B2", marker: .square, dashes: nil, opacity: 0.2 + 0.16 * Double(shade))))
        }
        plot.series = cells
        return plot
    }

    var matches: Plot {
        var observed = [Int](repeating: 0, count: max(0, window - minimumMatches + 1))
        for survivor in survivors where survivor.matches >= minimumMatches && survivor.matches <= window {
            observed[survivor.matches - minimumMatches] += 1
        }
        let expected = chance ?? []
        // Chance below a millionth of a seed is drawn hollow on the floor (its value in the
        // point's data): the axis stays on the counts that can be observed.
        let values = observed.map { Double($0) }.filter { $0 > 0 } + expected.filter { $0 >= Self.chanceFloor }
        var plot = Plot(id: "matches", title: "Forward matches against chance",
                        guide: "How many survivors matched each number of the window's draws at their best skip (bars), and how many chance alone would give (points: the maximum over the skips of binomial match counts, scaled to the sweep's own chance expectation), on a logarithmic scale. A bar far above its point at high matches is a seed that is not chance.",
                        x: .init(label: "forward matches (draws of the window matched)",
                                 scale: PlotScale(kind: .linear, spanning: [Double(minimumMatches) - 0.5, Double(window) + 0.5]), integers: true),
                        y: .init(label: "survivors (seeds, log scale)", scale: PlotScale(kind: .logarithmic, spanning: values, including: [1])))
        plot.emptyNote = "no survivor"
        let floor = plot.y.scale.domain.lowerBound
        plot.series.append(.init(name: "observed", shape: .rectangles, rectangles: observed.enumerated().compactMap { index, count in
            guard count > 0 else { return nil }
            let m = Double(minimumMatches + index)
            return Plot.Rectangle(x: (m - 0.4)...(m + 0.4), y: floor...Double(count),
                                  data: [("matches", String(minimumMatches + index)), ("observed", String(count))])
        }))
        if !expected.isEmpty {
            plot.series.append(.init(name: "chance", shape: .points, points: expected.enumerated().compactMap { index, value in
                guard value >= floor else { return nil }
                return Plot.Point(x: Double(minimumMatches + index), y: value,
                                  data: [("matches", String(minimumMatches + index)), ("expected", Markup.value(value))])
            }))
            let below = expected.enumerated().filter { $0.element < floor }
            if !below.isEmpty {
                plot.series.append(.init(name: "chance below 1e\(Int(log10(floor).rounded()))", shape: .hollowPoints, points: below.map {
                    Plot.Point(x: Double(minimumMatches + $0.offset), y: floor,
                               data: [("matches", String(minimumMatches + $0.offset)), ("expected", Markup.value($0.element))])
                }, style: PlotStyle.series(1)))
            }
        }
        return plot
    }
}
