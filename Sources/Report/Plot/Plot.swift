import Foundation

/// One chart of a report, drawn as inline SVG: axes with units and ticks, a legend, and series of
/// points, lines, steps, rectangles and level rules.
///
/// Every data mark carries its values in `data-` attributes (``Point/data``), so that a test
/// compares the drawing with the run's records. Points that would land on the same cell of a few
/// pixels as an earlier point of the same series are drawn once: a screen cannot show them apart,
/// and a report of thousands of trials stays small enough to mail.
///
/// ```swift
/// var plot = Plot(id: "history", title: "Optimisation history", guide: "…",
///                 x: .init(label: "trial", scale: PlotScale(kind: .linear, spanning: [0, 49])),
///                 y: .init(label: "score (−log10 p)", scale: PlotScale(kind: .linear, spanning: scores)))
/// plot.series.append(.init(name: "complete", shape: .points, points: points))
/// let svg = plot.svg()
/// ```
public struct Plot: Sendable {
    /// An axis: its label (with the unit), its scale, and for a categorical axis the category names
    /// at positions 0, 1, 2, ….
    public struct Axis: Sendable {
        public var label: String
        public var scale: PlotScale
        public var categories: [String]?
        /// Ticks at whole numbers only (trials, cycles, draws: a half trial means nothing).
        public var integers: Bool

        public init(label: String, scale: PlotScale, categories: [String]? = nil, integers: Bool = false) {
            self.label = label
            self.scale = scale
            self.categories = categories
            self.integers = integers
        }

        /// The ticks and their labels.
        var ticks: [(value: Double, label: String)] {
            if let categories { return categories.enumerated().map { (Double($0.offset), $0.element) } }
            var values = scale.ticks()
            if integers {
                values = values.filter { $0 == $0.rounded() }
                if values.count < 2 {
                    values = Array(stride(from: ceil(scale.domain.lowerBound), through: floor(scale.domain.upperBound), by: 1))
                }
            }
            return values.map { ($0, scale.label($0)) }
        }

        /// A categorical axis: one position per name.
        public static func categories(_ names: [String], label: String) -> Axis {
            Axis(label: label, scale: PlotScale(kind: .linear, exactly: -0.5...(Double(max(1, names.count)) - 0.5)),
                 categories: names)
        }
    }

    /// A data point, with the values a test reads back (`data-NAME="value"`).
    public struct Point: Sendable {
        public var x: Double
        public var y: Double
        public var data: [(name: String, value: String)]

        public init(x: Double, y: Double, data: [(name: String, value: String)] = []) {
            self.x = x
            self.y = y
            self.data = data
        }
    }

    /// A rectangle in data coordinates: a histogram bar, a stretch of time, a window of draws.
    public struct Rectangle: Sendable {
        public var x: ClosedRange<Double>
        public var y: ClosedRange<Double>
        public var data: [(name: String, value: String)]

        public init(x: ClosedRange<Double>, y: ClosedRange<Double>, data: [(name: String, value: String)] = []) {
            self.x = x
            self.y = y
            self.data = data
        }
    }

    /// How a series is drawn.
    public enum Shape: Sendable {
        /// Markers.
        case points
        /// Markers, hollow: values drawn at the axis' edge because they lie beyond it (0 on a
        /// logarithmic axis, say).
        case hollowPoints
        /// A line through the points, in order.
        case line
        /// A staircase: each value holds until the next point (a best-so-far curve).
        case step
        /// Filled rectangles.
        case rectangles
        /// Translucent rectangles behind the data (a window over a history).
        case bands
        /// A horizontal rule at each point's y (a significance level).
        case rule
    }

    /// A named series, styled by its position in the plot (``PlotStyle/series(_:)``) unless given a style.
    public struct Series: Sendable {
        public var name: String
        public var shape: Shape
        public var points: [Point]
        public var rectangles: [Rectangle]
        public var style: PlotStyle?

        public init(name: String, shape: Shape, points: [Point] = [], rectangles: [Rectangle] = [], style: PlotStyle? = nil) {
            self.name = name
            self.shape = shape
            self.points = points
            self.rectangles = rectangles
            self.style = style
        }
    }

    /// Its id in the page (`plot-ID`), which tests and links use.
    public var id: String
    public var title: String
    /// One paragraph: how to read the plot.
    public var guide: String
    public var x: Axis
    public var y: Axis
    public var series: [Series] = []
    /// Said under the plot when there is nothing to draw (no complete trial yet, say).
    public var emptyNote: String?
    public var width = 760.0
    public var height = 300.0

    public init(id: String, title: String, guide: String, x: Axis, y: Axis, series: [Series] = []) {
        self.id = id
        self.title = title
        self.guide = guide
        self.x = x
        self.y = y
        self.series = series
    }

    /// Whether any series has something to draw.
    public var hasData: Bool { series.contains { !$0.points.isEmpty || !$0.rectangles.isEmpty } }

    // MARK: Drawing

    private var margin: (left: Double, right: Double, top: Double, bottom: Double) {
        (x.categories == nil && y.categories == nil ? 72 : 130, 18, 34, 48)
    }

    /// The plot area, in pixels.
    var area: (x: Double, y: Double, width: Double, height: Double) {
        let m = margin
        return (m.left, m.top, width - m.left - m.right, height - m.top - m.bottom)
    }

    func pixelX(_ value: Double) -> Double {
        area.x + min(1, max(0, x.scale.fraction(value))) * area.width
    }

    func pixelY(_ value: Double) -> Double {
        area.y + area.height - min(1, max(0, y.scale.fraction(value))) * area.height
    }

    /// The SVG element.
    public func svg() -> String {
        var out = ""
        let (ax, ay, aw, ah) = area
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" id=\"svg-\(Markup.escape(id))\" width=\"\(Markup.pixels(width))\" height=\"\(Markup.pixels(height))\" viewBox=\"0 0 \(Markup.pixels(width)) \(Markup.pixels(height))\" role=\"img\" aria-label=\"\(Markup.escape(title))\">\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(Markup.pixels(width))\" height=\"\(Markup.pixels(height))\" fill=\"#ffffff\"/>\n"
        out += "<rect class=\"plot-area\" x=\"\(Markup.pixels(ax))\" y=\"\(Markup.pixels(ay))\" width=\"\(Markup.pixels(aw))\" height=\"\(Markup.pixels(ah))\" fill=\"#ffffff\" stroke=\"\(PlotStyle.axis)\" stroke-width=\"1\"/>\n"
        out += axes()
        out += "<g clip-path=\"url(#clip-\(Markup.escape(id)))\">\n"
        out += "<clipPath id=\"clip-\(Markup.escape(id))\"><rect x=\"\(Markup.pixels(ax - 4))\" y=\"\(Markup.pixels(ay - 4))\" width=\"\(Markup.pixels(aw + 8))\" height=\"\(Markup.pixels(ah + 8))\"/></clipPath>\n"
        // Bands behind everything, then rectangles, lines, and points on top.
        let order: [(Shape) -> Bool] = [
            { if case .bands = $0 { true } else { false } }, { if case .rectangles = $0 { true } else { false } },
            { if case .rule = $0 { true } else { false } },
            { switch $0 { case .line, .step: true; default: false } },
            { switch $0 { case .points, .hollowPoints: true; default: false } },
        ]
        for layer in order {
            for (index, series) in series.enumerated() where layer(series.shape) {
                out += draw(series, style: series.style ?? .series(index))
            }
        }
        out += "</g>\n"
        if !hasData {
            out += "<text x=\"\(Markup.pixels(ax + aw / 2))\" y=\"\(Markup.pixels(ay + ah / 2))\" text-anchor=\"middle\" class=\"empty\" fill=\"#8c8c8c\">\(Markup.escape(emptyNote ?? "nothing to draw yet"))</text>\n"
        }
        out += legend()
        out += "</svg>\n"
        return out
    }

    private func axes() -> String {
        var out = "<g class=\"axes\" font-size=\"11\" fill=\"\(PlotStyle.axis)\">\n"
        let (ax, ay, aw, ah) = area
        let xTicks = x.ticks, yTicks = y.ticks
        for (value, label) in xTicks {
            let px = Markup.pixels(pixelX(value))
            out += "<line x1=\"\(px)\" y1=\"\(Markup.pixels(ay))\" x2=\"\(px)\" y2=\"\(Markup.pixels(ay + ah))\" stroke=\"\(PlotStyle.grid)\" stroke-width=\"0.5\"/>"
            out += "<text x=\"\(px)\" y=\"\(Markup.pixels(ay + ah + 15))\" text-anchor=\"middle\">\(Markup.escape(label))</text>\n"
        }
        for (value, label) in yTicks {
            let py = Markup.pixels(pixelY(value))
            out += "<line x1=\"\(Markup.pixels(ax))\" y1=\"\(py)\" x2=\"\(Markup.pixels(ax + aw))\" y2=\"\(py)\" stroke=\"\(PlotStyle.grid)\" stroke-width=\"0.5\"/>"
            out += "<text x=\"\(Markup.pixels(ax - 6))\" y=\"\(Markup.pixels(pixelY(value) + 4))\" text-anchor=\"end\">\(Markup.escape(label))</text>\n"
        }
        out += "<text class=\"axis-label\" x=\"\(Markup.pixels(ax + aw / 2))\" y=\"\(Markup.pixels(height - 10))\" text-anchor=\"middle\" font-size=\"12\">\(Markup.escape(x.label))</text>\n"
        let midY = Markup.pixels(ay + ah / 2)
        out += "<text class=\"axis-label\" x=\"14\" y=\"\(midY)\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 14 \(midY))\">\(Markup.escape(y.label))</text>\n"
        return out + "</g>\n"
    }

    private func legend() -> String {
        var out = "<g class=\"legend\" font-size=\"11\">\n"
        var cursor = area.x
        for (index, series) in series.enumerated() {
            let style = series.style ?? .series(index)
            let cy = 16.0
            switch series.shape {
            case .points, .hollowPoints:
                let hollow = { if case .hollowPoints = series.shape { true } else { false } }()
                out += marker(style, x: cursor + 6, y: cy, attributes: " class=\"key\" " + paint(style, hollow: hollow))
            case .line, .step, .rule:
                out += "<line x1=\"\(Markup.pixels(cursor))\" y1=\"\(Markup.pixels(cy))\" x2=\"\(Markup.pixels(cursor + 14))\" y2=\"\(Markup.pixels(cy))\" stroke=\"\(style.colour)\" stroke-width=\"2\"\(dashes(style))/>"
            case .rectangles, .bands:
                out += "<rect x=\"\(Markup.pixels(cursor))\" y=\"\(Markup.pixels(cy - 5))\" width=\"12\" height=\"10\" fill=\"\(style.colour)\" fill-opacity=\"\(opacity(series.shape, style))\"/>"
            }
            out += "<text x=\"\(Markup.pixels(cursor + 18))\" y=\"\(Markup.pixels(cy + 4))\">\(Markup.escape(series.name))</text>\n"
            cursor += 30 + Double(series.name.count) * 6.2
        }
        return out + "</g>\n"
    }

    private func dashes(_ style: PlotStyle) -> String {
        style.dashes.map { " stroke-dasharray=\"\($0)\"" } ?? ""
    }

    private func opacity(_ shape: Shape, _ style: PlotStyle) -> String {
        if let opacity = style.opacity { return String(format: "%.2f", opacity) }
        if case .bands = shape { return "0.22" }
        return "0.85"
    }

    private func attributes(_ data: [(name: String, value: String)]) -> String {
        data.map { " data-\($0.name)=\"\(Markup.escape($0.value))\"" }.joined()
    }

    /// A marker's paint: on each legend key, and once on a series' group for its marks.
    private func paint(_ style: PlotStyle, hollow: Bool) -> String {
        if style.marker == .cross { return "fill=\"none\" stroke=\"\(style.colour)\" stroke-width=\"1.6\"" }
        return hollow ? "fill=\"#ffffff\" stroke=\"\(style.colour)\" stroke-width=\"1.2\"" : "fill=\"\(style.colour)\""
    }

    /// A marker's shape at (px, py), with `attributes` (its paint for a legend key, its data for a mark).
    private func marker(_ style: PlotStyle, x px: Double, y py: Double, attributes: String) -> String {
        let (x, y) = (Markup.pixels(px), Markup.pixels(py))
        switch style.marker {
        case .circle:
            return "<circle cx=\"\(x)\" cy=\"\(y)\" r=\"3\"\(attributes)/>"
        case .square:
            return "<rect x=\"\(Markup.pixels(px - 2.7))\" y=\"\(Markup.pixels(py - 2.7))\" width=\"5.4\" height=\"5.4\"\(attributes)/>"
        case .triangle:
            return "<path d=\"M\(x) \(Markup.pixels(py - 3.6))L\(Markup.pixels(px + 3.3)) \(Markup.pixels(py + 2.4))L\(Markup.pixels(px - 3.3)) \(Markup.pixels(py + 2.4))Z\"\(attributes)/>"
        case .diamond:
            return "<path d=\"M\(x) \(Markup.pixels(py - 3.8))L\(Markup.pixels(px + 3.8)) \(y)L\(x) \(Markup.pixels(py + 3.8))L\(Markup.pixels(px - 3.8)) \(y)Z\"\(attributes)/>"
        case .cross:
            return "<path d=\"M\(Markup.pixels(px - 3)) \(Markup.pixels(py - 3))L\(Markup.pixels(px + 3)) \(Markup.pixels(py + 3))M\(Markup.pixels(px - 3)) \(Markup.pixels(py + 3))L\(Markup.pixels(px + 3)) \(Markup.pixels(py - 3))\"\(attributes)/>"
        }
    }

    /// The side, in pixels, of the cells in which only a series' first point is drawn: 2 up to
    /// 1,000 points, then growing with the square root of the count up to 6 (a marker's width), so
    /// that a series of 5,000 trials draws no more marks than the eye can separate.
    static func cellSize(points: Int) -> Double {
        points <= 1000 ? 2 : min(6, 2 * (Double(points) / 1000).squareRoot())
    }

    /// The points of `series` a screen can tell apart: the first of each cell (``cellSize(points:)``).
    func visible(_ points: [Point]) -> [(point: Point, x: Double, y: Double)] {
        var cells = Set<Int64>()
        var kept: [(point: Point, x: Double, y: Double)] = []
        let size = Self.cellSize(points: points.count)
        for point in points where point.x.isFinite && point.y.isFinite {
            let px = pixelX(point.x), py = pixelY(point.y)
            let cell = Int64(px / size) << 32 | Int64(py / size)
            if cells.insert(cell).inserted { kept.append((point, px, py)) }
        }
        return kept
    }

    private func draw(_ series: Series, style: PlotStyle) -> String {
        var out = "<g class=\"series\" data-series=\"\(Markup.escape(series.name))\" data-count=\"\(series.points.count + series.rectangles.count)\""
        switch series.shape {
        case .points, .hollowPoints:
            let hollow = { if case .hollowPoints = series.shape { true } else { false } }()
            out += " \(paint(style, hollow: hollow))>\n"
            for kept in visible(series.points) {
                out += marker(style, x: kept.x, y: kept.y, attributes: attributes(kept.point.data)) + "\n"
            }
            return out + "</g>\n"
        default:
            out += ">\n"
        }
        switch series.shape {
        case .points, .hollowPoints:
            break
        case .line, .step:
            let kept = visible(series.points)
            guard !kept.isEmpty else { break }
            var path = "M\(Markup.pixels(kept[0].x)) \(Markup.pixels(kept[0].y))"
            for next in kept.dropFirst() {
                path += series.shape.isStep ? "H\(Markup.pixels(next.x))V\(Markup.pixels(next.y))"
                    : "L\(Markup.pixels(next.x)) \(Markup.pixels(next.y))"
            }
            if case .step = series.shape { path += "H\(Markup.pixels(area.x + area.width))" }
            out += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(style.colour)\" stroke-width=\"1.8\"\(dashes(style))/>\n"
            for kept in kept where !kept.point.data.isEmpty {
                out += "<circle class=\"vertex\" cx=\"\(Markup.pixels(kept.x))\" cy=\"\(Markup.pixels(kept.y))\" r=\"1.6\" fill=\"\(style.colour)\"\(attributes(kept.point.data))/>\n"
            }
        case .rule:
            for point in series.points {
                let py = Markup.pixels(pixelY(point.y))
                out += "<line class=\"rule\" x1=\"\(Markup.pixels(area.x))\" y1=\"\(py)\" x2=\"\(Markup.pixels(area.x + area.width))\" y2=\"\(py)\" stroke=\"\(style.colour)\" stroke-width=\"1.5\" stroke-dasharray=\"\(style.dashes ?? "6 3")\"\(attributes(point.data))/>\n"
            }
        case .rectangles, .bands:
            // As with points: a rectangle covering the same cells as an earlier one is drawn once.
            let size = Self.cellSize(points: series.rectangles.count)
            var cells = Set<[Int]>()
            for rectangle in series.rectangles {
                let x0 = pixelX(rectangle.x.lowerBound), x1 = pixelX(rectangle.x.upperBound)
                let y0 = pixelY(rectangle.y.upperBound), y1 = pixelY(rectangle.y.lowerBound)
                guard cells.insert([x0, x1, y0, y1].map { Int(($0 / size).rounded()) }).inserted else { continue }
                out += "<rect class=\"bar\" x=\"\(Markup.pixels(x0))\" y=\"\(Markup.pixels(y0))\" width=\"\(Markup.pixels(max(1, x1 - x0)))\" height=\"\(Markup.pixels(max(1, y1 - y0)))\" fill=\"\(style.colour)\" fill-opacity=\"\(opacity(series.shape, style))\"\(attributes(rectangle.data))/>\n"
            }
        }
        return out + "</g>\n"
    }
}

extension Plot.Shape {
    var isStep: Bool { if case .step = self { true } else { false } }
}

