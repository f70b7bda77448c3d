import ArgumentParser
import Foundation
import Sieve
import WindowSearch
import SearchWorkers

/// `optimize monitor RUN...`: a live terminal view of one or more search runs and campaigns (README, "Monitoring a run").
struct MonitorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "A live terminal view of search runs and campaigns: verdict, progress, pace, the trial or cycle in progress, recent results.",
        discussion: """
            Reads each run read-only every --interval seconds and redraws in place on a terminal (plain frames \
            separated by a blank line otherwise); q or Ctrl-C ends it. A run is STALE when it says it is running \
            and nothing changed for longer than max(3 minutes, 3 x its slowest recent trial); a campaign (the \
            --out of `optimize campaign run`) shows cycles, seeds, canary recall, candidates and hard negatives, \
            and is STALE by the same rule over its cycles and the running cycle's sweep journal. A missing, damaged \
            or unreadable directory shows as such in its panel and the monitor keeps running. --once prints one \
            frame and exits 0, whatever the runs' state (use `optimize status` for a verdict as an exit status).
            """)

    @Argument(help: "The runs' directories (the --out of `optimize search` or `optimize campaign run`).")
    var runs: [String] = []

    @OptionGroup var shared: SharedRunOptions

    @Flag(help: "Print one frame and exit (for scripts).")
    var once = false

    @Option(help: "Seconds between redraws (0.1 to 3600).")
    var interval: String = "2"

    @Option(help: "A JSON file of watcher rules overriding the defaults, as for `optimize status` (staleness too).")
    var rules: String?

    /// The interval's seconds, or a bad option error naming it.
    static func seconds(_ text: String) throws(InputError) -> Double {
        guard let value = Double(text), value.isFinite, value >= 0.1, value <= 3600 else {
            throw InputError(.invalidOption, source: "--interval", problem: "is '\(text)', not a number of seconds from 0.1 to 3600",
                             fix: "give --interval SECONDS, such as 2")
        }
        return value
    }

    func validate() throws {
        try validating { () throws(InputError) in
            _ = try Self.seconds(interval)
            if runs.isEmpty, shared.name == nil {
                throw InputError(.invalidOption, source: "RUN", problem: "missing",
                                 fix: "give one or more run directories, or --storage URL --name NAME")
            }
        }
    }

    func run() throws {
        let seconds = try Self.seconds(interval)
        var rules = WatcherRules.defaults
        var search: SharedSearch?
        try reportingErrors {
            rules = try self.rules.map { path throws(InputError) in try WatcherRules.read(path: path) } ?? .defaults
            search = try shared.search(directory: nil)
        }
        func panels(_ now: Date) -> [MonitorPanel] {
            var panels = runs.map { MonitorPanel.read($0, now: now, rules: rules) }
            if let search { panels.append(MonitorPanel.read(search, now: now, rules: rules)) }
            return panels
        }
        if once {
            let terminal = TerminalCapabilities.standardOutput
            let frame = MonitorFrame(panels: panels(Date()), now: Date(), rules: rules,
                                     terminal: terminal, interactive: false, interval: seconds)
            print(frame.render(width: terminal.width).joined(separator: "\n"))
            return
        }
        let screen = MonitorScreen()
        defer { screen.restore() }
        while !screen.shouldStop {
            let now = Date()
            let current = panels(now)
            if screen.shouldStop { break }
            let frame = MonitorFrame(panels: current, now: now, rules: rules, terminal: screen.terminal,
                                     interactive: screen.readsKeys, interval: seconds)
            screen.draw(frame.render(width: screen.terminal.width))
            if screen.wait(seconds) { screen.clear() }
        }
    }
}
