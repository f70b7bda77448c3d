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

/// Standard output in 1 MiB writes.
final class BufferedOutput {
    private var buffer: [UInt8] = []

    func write(_ text: String) {
        buffer += text.utf8
        if buffer.count >= 1 << 20 { flush() }
    }

    func flush() {
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
