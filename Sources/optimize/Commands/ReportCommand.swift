import ArgumentParser
import Foundation
import Report

/// `optimize report DIR [--out FILE.html]`: one self-contained HTML page of plots.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML report (inline SVG plots) of a search run, a sieve sweep, a campaign or a soak.",
        discussion: """
            Reads the directory read-only (a running or damaged one too: the page says so in a banner) and \
            writes one HTML file with no script and nothing from the network, which a browser opens from \
            disk. The same directory gives the same bytes.
            """)

    @Argument(help: "The directory: the --out of `optimize search`, `optimize sieve`, `optimize campaign run` or `optimize soak`.")
    var directory: String?

    @OptionGroup var shared: SharedRunOptions

    @Option(help: ArgumentHelp("The HTML file to write (replaced atomically; default DIR/report.html, required with --storage).", valueName: "file.html"))
    var out: String?

    @OptionGroup var champions: ChampionDirectoryOptions
    @OptionGroup var metrics: MetricsDirectoryOptions

    func run() throws {
        try reportingErrors {
            guard let output = out ?? directory.map({ ($0 as NSString).appendingPathComponent("report.html") }) else {
                throw shared.name != nil
                    ? InputError(.invalidOption, source: "--out", problem: "missing with --storage", fix: "give the page's file: --out FILE.html")
                    : InputError(.invalidOption, source: "DIR", problem: "missing", fix: "give the directory to report on")
            }
            let page = try shared.withRun(directory: directory) { path, _ in
                try ReportSource.document(for: path, champions: FilePath(champions.champions), metrics: try metrics.store())
            }
            let path = FilePath(output)
            let bytes = Array(page.html.utf8)
            try AtomicFile.write(bytes, to: path)
            var line = "wrote \(path.string): \(page.plots.count) plots, \(bytes.count) bytes"
            if !page.banners.isEmpty { line += " (\(page.banners.count) warning\(page.banners.count == 1 ? "" : "s") on the page)" }
            print(line)
            for banner in page.banners { StandardError.write("warning: \(banner)") }
        }
    }
}
