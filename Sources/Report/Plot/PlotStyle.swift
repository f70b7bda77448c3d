/// The look of a plot's series: colours that colour-blind readers tell apart (Okabe and Ito's
/// palette) and, for a grey printout, a marker shape and a dash pattern per series as well.
public struct PlotStyle: Sendable, Equatable {
    /// The marker of a point series.
    public enum Marker: Sendable, Equatable, CaseIterable {
        case circle, square, triangle, diamond, cross
    }

    public let colour: String
    public let marker: Marker
    /// An SVG `stroke-dasharray` (nil: solid).
    public let dashes: String?
    /// The fill's opacity for rectangles (nil: the shape's own, 0.85 for bars, 0.22 for bands).
    public let opacity: Double?

    public init(colour: String, marker: Marker, dashes: String?, opacity: Double? = nil) {
        self.colour = colour
        self.marker = marker
        self.dashes = dashes
        self.opacity = opacity
    }

    /// Okabe and Ito (2008): blue, vermillion, bluish green, orange, reddish purple, sky blue, black.
    /// Their lightness differs too, so each prints as its own grey.
    static let colours = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000"]
    static let dashPatterns: [String?] = [nil, "6 3", "2 2", "8 3 2 3", "1 3"]

    /// The style of the `index`-th series of a plot.
    public static func series(_ index: Int) -> PlotStyle {
        PlotStyle(colour: colours[index % colours.count], marker: Marker.allCases[index % Marker.allCases.count],
                  dashes: dashPatterns[index % dashPatterns.count])
    }

    /// Grey for what frames the data: grid lines, axes, the level lines' labels.
    static let grid = "#d9d9d9"
    static let axis = "#404040"
}
