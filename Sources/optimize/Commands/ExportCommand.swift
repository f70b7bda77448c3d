import ArgumentParser
import Foundation
import Sieve
import WindowSearch

/// `optimize export DIR`: the reference system's output files, from a search run.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the reference's window-optimizer files from a search run, for tools built around them.",
        discussion: """
            Writes optimal_window_config.json, bidirectional_survivors.json, forward_survivors.json, \
            reverse_survivors.json, train_history.json and holdout_history.json (docs/reference-system.md §5.8) into \
            --out (default DIR/export).
            """)

    @Argument(help: "The run's directory (the --out of `optimize search`); none with --storage and --name.")
    var directory: String?

    @OptionGroup var shared: SharedRunOptions

    @Option(help: "Where to write the files (default: DIR/export; required with --storage).")
    var out: String?

    @Option(help: "The draw history, if it moved since the search ran (it must be the same file).")
    var draws: String?

    func run() throws {
        try reportingErrors {
            try shared.withRun(directory: directory) { path, _ in
                guard let output = out ?? directory.map({ ($0 as NSString).appendingPathComponent("export") }) else {
                    throw InputError(.invalidOption, source: "--out", problem: "missing with --storage",
                                     fix: "give the directory to write the files to: --out DIR")
                }
                let paths = try RunExport.write(run: path, to: output, historyPath: draws)
                for path in paths { print(path) }
            }
        }
    }
}
