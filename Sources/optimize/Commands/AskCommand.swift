import ArgumentParser
import Foundation
import Sieve
import Study
import StudyDatabase

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

    @Argument(help: "The study's directory (with --storage: its name in the database).")
    var directory: String

    @OptionGroup var storage: StorageOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("With --storage: seconds the trial stays the caller's; after them it is handed out again (default: no lease, never).", valueName: "seconds"))
    var lease: Double?

    @Option(help: ArgumentHelp("Hand out this unfinished trial again, with its parameters.", valueName: "n"))
    var retry: Int?

    @Option(help: "The process that evaluates the trial (default: the caller of optimize), to tell when it has died.")
    var owner: Int32?

    func run() throws {
        try reportingErrors {
            if let database = try storage.connect() {
                if retry != nil {
                    throw InputError(.invalidOption, source: "--retry", problem: "given with --storage",
                                     fix: "drop it: in a database an unfinished trial is handed out again when its lease (--lease) runs out")
                }
                if let lease, !(lease >= 1 && lease <= 86_400) {
                    throw InputError(.invalidOption, source: "--lease", problem: "\(lease) seconds", fix: "give a lease from 1 to 86400 seconds")
                }
                let store = try DatabaseStudyStore(opening: directory, database: database)
                let worker = WorkerIdentity(owner: TrialOwner(processID: owner ?? getppid(), host: TrialOwner.currentHost))
                guard case .trial(let trial, _, _) = try store.ask(worker: worker, lease: lease) else { return }
                print(JSONValue.object([
                    ("trial", .integer(trial.number)), ("params", Self.parametersJSON(trial, store.definition.space)),
                ]).text)
                return
            }
            if lease != nil {
                throw InputError(.invalidOption, source: "--lease", problem: "given without --storage",
                                 fix: "drop it: a study directory tells a dead process by its PID (see --retry)")
            }
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
