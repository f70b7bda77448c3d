import ArgumentParser
import Foundation
import Sieve
import Study

/// `optimize tell DIR n VALUE`, or `--failed`, or `--pruned`: records a trial's outcome.
struct TellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tell",
        abstract: "Record a trial's value, or that it failed or was pruned.",
        discussion: "Each trial is told once. A failed trial is ignored by the sampler.")

    @Argument(help: "The study's directory.")
    var directory: String

    @Argument(help: "The trial's number, as `optimize ask` printed it.")
    var trial: Int

    @Argument(help: "The objective's value (a finite number).")
    var value: String?

    @Flag(help: "The evaluation failed.")
    var failed = false

    @Flag(help: "The evaluation was stopped early; VALUE, if given, is its last intermediate value.")
    var pruned = false

    @Option(help: "With --pruned: the step the evaluation reached.")
    var step: Int?

    func validate() throws {
        try validating { () throws(InputError) in
            if failed, value != nil || pruned {
                throw InputError(.invalidOption, source: "--failed", problem: "given with a value or --pruned",
                                 fix: "tell a value, or --failed alone, or --pruned")
            }
            if !failed, !pruned, value == nil {
                throw InputError(.invalidOption, source: "VALUE", problem: "no value given for trial \(trial)",
                                 fix: "give the objective's value, or --failed")
            }
        }
    }

    func run() throws {
        try reportingErrors {
            let store = try StudyStore(opening: URL(fileURLWithPath: directory))
            if failed {
                try store.fail(trial: trial)
                return
            }
            let number = try value.map { text throws(InputError) in try Self.parseValue(text) }
            if pruned {
                try store.prune(trial: trial, step: step, value: number)
                return
            }
            // validate() has checked that a value is given.
            guard let number else { return }
            try store.tell(trial: trial, value: number)
        }
    }

    static func parseValue(_ text: String) throws(InputError) -> Double {
        guard let number = Double(text.trimmingCharacters(in: .whitespaces)), number.isFinite else {
            throw InputError(.invalidOption, source: "VALUE", problem: "'\(text)' is not a finite number",
                             fix: "give the objective's value as a number (1.5, -3, 2e-4), or --failed")
        }
        return number
    }
}
