import ArgumentParser
import Foundation
import Sieve
import Study

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `optimize ask DIR`: hands out the next trial of a study.
struct AskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Hand out the next trial of a study, as one JSON object {\"trial\": n, \"params\": {…}}.",
        discussion: """
            Processes may ask and tell on one study at the same time; no two get the same trial. \
            A trial that was never told (its process died) is listed by `optimize study show`: \
            ask for it again with --retry n, or mark it failed with `optimize tell DIR n --failed`.
            """)

    @Argument(help: "The study's directory.")
    var directory: String

    @Option(help: ArgumentHelp("Hand out this unfinished trial again, with its parameters.", valueName: "n"))
    var retry: Int?

    @Option(help: "The process that evaluates the trial (default: the caller of optimize), to tell when it has died.")
    var owner: Int32?

    func run() throws {
        try reportingErrors {
            let store = try StudyStore(opening: URL(fileURLWithPath: directory))
            let trialOwner = TrialOwner(processID: owner ?? getppid(), host: TrialOwner.currentHost)
            let trial = try retry.map { number throws(InputError) in try store.reask(trial: number, owner: trialOwner) }
                ?? store.ask(owner: trialOwner)
            print(JSONValue.object([
                ("trial", .integer(trial.number)), ("params", Self.parametersJSON(trial, store.definition.space)),
            ]).text)
        }
    }

    /// A trial's parameters as a JSON object, in the space's order.
    static func parametersJSON(_ trial: TrialRecord, _ space: SearchSpace) -> JSONValue {
        .object(space.parameters.compactMap { parameter in trial.parameters[parameter.name].map { (parameter.name, $0.json) } })
    }
}
