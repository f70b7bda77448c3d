import ArgumentParser
import Foundation
import Sieve
import Study
import StudyDatabase

/// `optimize tell DIR n VALUE`, or `--failed`, or `--pruned`: records a trial's outcome.
struct TellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tell",
        abstract: "Record a trial's value, or that it failed or was pruned.",
        discussion: "Each trial is told once. A failed trial is ignored by the sampler.")

    @Argument(help: "The study's directory (with --storage: its name in the database).")
    var directory: String

    @OptionGroup var storage: StorageOptions

    /// The trial's number and its value. One array that takes every word no option claims, so that
    /// negative values (`-3.5`) and numbers are values, never taken for options.
    @Argument(parsing: .allUnrecognized,
              help: ArgumentHelp("The trial's number, as `optimize ask` printed it, then the objective's value (a finite number, negative ones included).",
                                 valueName: "trial> <value"))
    var operands: [String] = []

    var trial: Int { operands.first.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0 }
    var value: String? { operands.count > 1 ? operands[1] : nil }

    @Flag(help: "The evaluation failed.")
    var failed = false

    @Flag(help: "The evaluation was stopped early; VALUE, if given, is its last intermediate value.")
    var pruned = false

    @Option(parsing: .unconditional, help: "With --pruned: the step the evaluation reached.")
    var step: Int?

    func validate() throws {
        try validating { () throws(InputError) in
            guard let first = operands.first else {
                throw InputError(.invalidOption, source: "TRIAL", problem: "no trial given",
                                 fix: "give the trial's number, as `optimize ask` printed it, then its value")
            }
            guard Int(first.trimmingCharacters(in: .whitespaces)) != nil else {
                throw InputError(.invalidOption, source: "TRIAL", problem: "'\(first)' is not a trial number",
                                 fix: "give the trial's number, as `optimize ask` printed it")
            }
            guard operands.count <= 2 else {
                throw InputError(.invalidOption, source: "VALUE", problem: "more than one value given (\(operands.dropFirst().joined(separator: " ")))",
                                 fix: "give one value")
            }
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
            if let database = try storage.connect() {
                let store = try DatabaseStudyStore(opening: directory, database: database)
                let number = try value.map { text throws(InputError) in try Self.parseValue(text) }
                if failed { try store.fail(trial: trial) }
                else if pruned { try store.prune(trial: trial, step: step, value: number) }
                else if let number { try store.tell(trial: trial, value: number) }
                return
            }
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
