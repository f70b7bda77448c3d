import ArgumentParser
import Foundation
import Sieve
import WindowSearch

/// `optimize resume DIR`: continues a search that was stopped or killed.
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a window search that was stopped or killed, to the files an uninterrupted run writes.",
        discussion: """
            Reads the run's settings from DIR/run.json, tells the study any trial the journal recorded \
            but the study missed, resumes the interrupted trial's sieve from its last completed chunk, \
            and runs the remaining trials.
            """)

    @Argument(help: "The run's directory (the --out of `optimize search`).")
    var directory: String

    @Option(help: "The draw history, if it moved since the search started (it must be the same file).")
    var draws: String?

    @OptionGroup var backendOptions: BackendOptions

    @Flag(help: "Print best.json when the search ends, instead of text.")
    var json = false

    func run() throws {
        try reportingErrors {
            let stop = SignalStop()
            let search = try SearchRun.resume(directory: directory, historyPath: draws, backend: try backendOptions.select().backend)
            try SearchSession.run(search, json: json, stop: stop)
        }
    }
}
