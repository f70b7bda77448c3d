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

    /// `--format json|csv`.
    enum Format: String, CaseIterable, ExpressibleByArgument {
        case json, csv
    }

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
    var format: Format = .json

    @Option(help: ArgumentHelp("Only survivors of this test.", valueName: "test"))
    var only: Test?

    func run() throws {
        try reportingErrors {
            let filter = only?.passed
            let journalPath = (directory as NSString).appendingPathComponent(SweepJournal.fileName)
            guard FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(SweepManifest.fileName)) else {
                throw InputError(.unreadableFile, source: directory, problem: "holds no sweep (no sweep.json)",
                                 fix: "give the --out directory of an `optimize sieve` run")
            }
            let length = SweepJournal.read(journalPath).entries.last?.bytes ?? 0
            let output = BufferedOutput()
            var first = true
            if format == .json { output.write("[") } else {
                output.write("seed,passed,forward_skip,forward_matches,reverse_skip,reverse_matches,bidirectional_skip,bidirectional_forward,bidirectional_reverse\n")
            }
            try SurvivorFile.forEach(path: (directory as NSString).appendingPathComponent(SieveSweep.survivorFileName), length: length) { r in
                if let filter, !r.passed.contains(filter) { return true }
                let passed = [(SurvivorRecord.Passed.forward, "forward"), (.reverse, "reverse"), (.bidirectional, "bidirectional")]
                    .filter { r.passed.contains($0.0) }.map(\.1)
                func field(_ test: SurvivorRecord.Passed, _ value: UInt32) -> String {
                    r.passed.contains(test) ? String(value) : (format == .json ? "null" : "")
                }
                if format == .json {
                    output.write((first ? "\n" : ",\n") + "  {\"seed\": \(r.seed), \"passed\": [\(passed.map { "\"\($0)\"" }.joined(separator: ", "))], "
                        + "\"forward_skip\": \(field(.forward, r.forwardSkip)), \"forward_matches\": \(field(.forward, r.forwardMatches)), "
                        + "\"reverse_skip\": \(field(.reverse, r.reverseSkip)), \"reverse_matches\": \(field(.reverse, r.reverseMatches)), "
                        + "\"bidirectional_skip\": \(field(.bidirectional, r.bidirectionalSkip)), "
                        + "\"bidirectional_forward\": \(field(.bidirectional, r.bidirectionalForward)), "
                        + "\"bidirectional_reverse\": \(field(.bidirectional, r.bidirectionalReverse))}")
                } else {
                    output.write("\(r.seed),\(passed.joined(separator: "+")),\(field(.forward, r.forwardSkip)),\(field(.forward, r.forwardMatches)),"
                        + "\(field(.reverse, r.reverseSkip)),\(field(.reverse, r.reverseMatches)),\(field(.bidirectional, r.bidirectionalSkip)),"
                        + "\(field(.bidirectional, r.bidirectionalForward)),\(field(.bidirectional, r.bidirectionalReverse))\n")
                }
                first = false
                return true
            }
            if format == .json { output.write(first ? "]\n" : "\n]\n") }
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
