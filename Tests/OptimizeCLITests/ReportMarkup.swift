import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An `optimize report` page read back with an XML parser: the page is polyglot XHTML, so a
/// parse failure is a malformed page. Collects every element with its attributes, the plot
/// (`svg` id) and the series (`data-series`) it is in.
final class ReportMarkup: NSObject, XMLParserDelegate {
    struct Element {
        let name: String
        let attributes: [String: String]
        let plot: String?
        let series: String?
    }

    private(set) var elements: [Element] = []
    private(set) var text = ""
    private var stack: [(name: String, attributes: [String: String])] = []

    /// Parses `data`; nil with the parser's error when the page is not well-formed XML.
    static func parse(_ data: Data) -> (markup: ReportMarkup?, error: String?) {
        let markup = ReportMarkup()
        let parser = XMLParser(data: data)
        parser.delegate = markup
        guard parser.parse() else {
            return (nil, "line \(parser.lineNumber), column \(parser.columnNumber): \(parser.parserError.map { "\($0)" } ?? "unknown error")")
        }
        return (markup, nil)
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        stack.append((name, attributes))
        let plot = stack.last { $0.name == "svg" }?.attributes["id"]
        let series = stack.last { $0.attributes["data-series"] != nil }?.attributes["data-series"]
        elements.append(Element(name: name, attributes: attributes, plot: plot, series: series))
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    /// The ids of the page's plots, in order.
    var plots: [String] { elements.filter { $0.name == "svg" }.compactMap { $0.attributes["id"] } }

    /// The data marks (elements with a `data-` attribute other than the series' own) of one
    /// series of one plot.
    func marks(plot: String, series: String) -> [[String: String]] {
        elements.filter { $0.plot == "svg-" + plot && $0.series == series && $0.attributes["data-series"] == nil }
            .map(\.attributes).filter { $0.keys.contains { $0.hasPrefix("data-") } }
    }

    /// How many banners (`div.banner`: a running or damaged run) the page shows.
    var bannerCount: Int { elements.filter { $0.name == "div" && $0.attributes["class"] == "banner" }.count }
}
