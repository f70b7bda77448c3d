import Foundation
import Testing

/// A search run's report opened in a real headless Chromium (Scripts/report/browser_check.py,
/// over the DevTools protocol): the page loads with no console error, no failed or remote load,
/// and every plot's area holds drawn data. The tests fail, not skip, without Chromium
/// (`apt-get install -y chromium`; `.ci/run` installs it).
@Suite("optimize report in a browser", .serialized)
struct BrowserReportTests {
    static let checker = Optimize.repository.appendingPathComponent("Scripts/report/browser_check.py")

    /// What the browser saw: errors, and each plot's area with its count of drawn pixels.
    struct Seen: Decodable {
        struct PlotArea: Decodable {
            let id: String
            let width: Double
            let height: Double
            let drawn: Int
        }

        let errors: [String]
        let plots: [PlotArea]
        let title: String
        let height: Int
    }

    static func open(_ page: URL, screenshot: URL) throws -> Seen {
        let chromium = try #require(Optimize.executable(named: "chromium") ?? Optimize.executable(named: "chromium-browser"),
                                    "Chromium is not installed: this test renders the report in a real browser (apt-get install -y chromium; .ci/run installs it)")
        let python = try #require(Optimize.executable(named: "python3"), "python3 is not installed (apt-get install -y python3)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [checker.path, page.path, screenshot.path, "--chromium", chromium]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "browser_check.py exited \(process.terminationStatus): \(message)")
        return try JSONDecoder().decode(Seen.self, from: data)
    }

    @Test("the report of a small search loads with no error, and every plot is drawn")
    func searchReportRenders() throws {
        let search = SearchCommandTests()
        let directory = try search.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Optimize.run(search.searchArguments(out: "run", trials: 12), in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Optimize.run(["report", "run"], in: directory)
        #expect(report.status == 0, "\(report.stderr)")
        let seen = try Self.open(directory.appendingPathComponent("run/report.html"), screenshot: directory.appendingPathComponent("shot.png"))
        #expect(seen.errors.isEmpty, "\(seen.errors)")
        #expect(seen.title == "Search run")
        let expected = ["svg-history", "svg-slice-window_size", "svg-slice-offset", "svg-slice-skip_min", "svg-slice-skip_max",
                        "svg-importance", "svg-survivors", "svg-timeline", "svg-window"]
        for id in expected {
            let plot = try #require(seen.plots.first { $0.id == id }, "\(id) is not on the page: \(seen.plots.map(\.id))")
            #expect(plot.width > 300 && plot.height > 80, "\(id) is \(plot.width)×\(plot.height)")
            // A few marks at least: a dozen trials' markers, bars or bands.
            #expect(plot.drawn > 100, "\(id): only \(plot.drawn) pixels of data drawn")
        }
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("shot.png").path))
    }

    @Test("the check sees a console error, a failed load and an empty plot")
    func checkerSeesFailures() throws {
        let directory = try Optimize.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("broken.html")
        try Data("""
            <!DOCTYPE html><html><head><title>broken</title></head><body><img src="missing.png"/>
            <script>console.error("boom");</script>
            <svg class="plot" id="svg-empty" width="300" height="200"><rect class="plot-area" x="10" y="10" width="200" height="150" fill="#ffffff" stroke="#404040"/>
            <line x1="10" y1="50" x2="210" y2="50" stroke="#d9d9d9"/></svg></body></html>
            """.utf8).write(to: page)
        let seen = try Self.open(page, screenshot: directory.appendingPathComponent("shot.png"))
        #expect(seen.errors.contains { $0.contains("boom") }, "\(seen.errors)")
        #expect(seen.errors.contains { $0.contains("ERR_FILE_NOT_FOUND") }, "\(seen.errors)")
        #expect(seen.plots.first?.drawn == 0, "\(seen.plots)")
    }
}
