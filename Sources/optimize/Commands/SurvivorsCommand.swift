import ArgumentParser
import Foundation
import Sieve

/// `optimize survivors DIR`: a sweep's survivors as JSON or CSV.
struct SurvivorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "survivors",
        abstract: "Export the survivors a sweep wrote (streamed: any size).",
        discussion: "Reads only the chunks the sweep's journal records as complete, so it works on a running sweep too.")

    @Argument(help: "The sweep's directory (the --out of `optimize sieve`).")
    var directory: String

    /// `--only forward|reverse|bidirectional`.
    enum Test: String, CaseIterable, ExpressibleByArgument {
        case forward, reverse, bidirectional

        var passed: SurvivorRecord.Passed {
            switch self {
            case .forward: .forward
            case .reverse: .reverse
            case .bidirectional: .bidirectional
            }
        }
    }

    @Option(help: "The output format.")
    var format: SurvivorExport.Format = .json

    @Option(help: ArgumentHelp("Only survivors of this test.", valueName: "test"))
    var only: Test?

    func run() throws {
        try reportingErrors {
            let output = BufferedOutput()
            try SurvivorExport.write(sweep: directory, format: format, passing: only?.passed, to: output.write)
            output.flush()
        }
    }
}
