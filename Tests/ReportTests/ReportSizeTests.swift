import Foundation
import Testing
@testable import Report
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A report of a long search stays small enough to mail, and stays well-formed.
@Suite struct ReportSizeTests {
    /// A search of `count` trials with varied parameters, scores and timings (SplitMix64-like mixing).
    static func search(trials count: Int) -> SearchReport {
        func mix(_ value: Int) -> Double {
            var z = UInt64(truncatingIfNeeded: value) &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        var rows: [SearchReport.Row] = []
        var segments: [SearchReport.Segment] = []
        for trial in 0..<count {
            let state: TrialState = trial % 37 == 5 ? .pruned : (trial % 53 == 7 ? .failed : .complete)
            let window = 10 + Int(mix(trial * 7) * 40), offset = Int(mix(trial * 7 + 1) * 150)
            let score = state == .complete ? mix(trial * 7 + 2) * 140 : nil
            rows.append(SearchReport.Row(
                trial: trial, state: state, score: score, claims: (score ?? 0) > 5,
                numeric: [("window_size", Double(window)), ("offset", Double(offset)), ("burn", 0),
                          ("skip_min", Double(Int(mix(trial * 7 + 3) * 20))), ("skip_max", Double(20 + Int(mix(trial * 7 + 4) * 120))),
                          ("forward_threshold", (mix(trial * 7 + 5) * 100).rounded() / 100), ("reverse_threshold", (mix(trial * 7 + 6) * 100).rounded() / 100)],
                categorical: [("sessions", trial % 3 == 0 ? "midday" : "all"), ("prng", "java_lcg")],
                observed: state == .complete ? Int(mix(trial) * 5) : nil, expected: state == .complete ? pow(10, -mix(trial + 1) * 100) : nil))
            segments.append(SearchReport.Segment(trial: trial, start: Double(trial) * 60, end: Double(trial) * 60 + 55, resumed: trial % 100 == 3))
        }
        let draws = (0..<200).map { UInt64(mix($0 + 99) * 1000) }
        return SearchReport(title: "Search big", source: "big", rows: rows, segments: segments, level: 5,
                            facts: [("status", "complete")], banners: [],
                            window: .init(trial: 1, draws: draws, forward: 62..<112, reverse: 12..<62, description: "Trial 1."),
                            champions: [], fixed: ["burn", "prng"])
    }

    @Test("1,000 trials: under 2 MB, well-formed, every plot present", arguments: [1000, 5000])
    func thousandTrials(count: Int) throws {
        let page = Self.search(trials: count).document
        let bytes = Data(page.html.utf8)
        #expect(bytes.count < 2_000_000, "\(bytes.count) bytes for \(count) trials: \(page.plots.map { "\($0.id) \($0.svg().utf8.count)" })")
        let parser = XMLParser(data: bytes)
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "") at line \(parser.lineNumber)")
        let ids = page.plots.map(\.id)
        #expect(ids.starts(with: ["history", "slice-window_size"]))
        #expect(["importance", "survivors", "timeline", "window"].allSatisfy(ids.contains))
        #expect(ids.contains("slice-sessions") && !ids.contains("slice-burn") && !ids.contains("slice-prng"))
    }

    @Test("the same records give the same bytes")
    func sameBytes() {
        #expect(Self.search(trials: 300).document.html == Self.search(trials: 300).document.html)
    }

    @Test("text from a run is escaped: a history named with markup stays text")
    func escaping() throws {
        var report = Self.search(trials: 20)
        report.facts = [("history", "<script>alert('x')</script> & \"quotes\"")]
        report.banners = ["a </div> banner"]
        let html = report.document.html
        #expect(!html.contains("<script>"))
        let parser = XMLParser(data: Data(html.utf8))
        #expect(parser.parse())
    }
}

