import ArgumentParser
import Foundation
import Sieve
import Study
import StudyDatabase

/// `optimize study`: creates and shows studies, the directories `ask` and `tell` work on.
struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Create a study (a directory of trials searched by the TPE sampler) or show one.",
        subcommands: [New.self, Show.self])

    /// `optimize study new DIR --space SPACE.json --direction minimize|maximize --seed S`
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a study in a new directory.",
            discussion: """
                SPACE.json lists the parameters: {"params": [{"name": "x", "type": "float", "low": 0, \
                "high": 1}, {"name": "n", "type": "int", "low": 1, "high": 64, "log": true}, \
                {"name": "kind", "type": "categorical", "choices": ["a", "b"]}]}. Floats and ints \
                take "log" (a positive range searched on a log scale) or "step" (a grid from low).

                The seed fixes every proposal: trial n's parameters depend only on the seed, the \
                space and the trials finished when it is asked.
                """)

        @Argument(help: "The study's directory (created; must not hold a study); with --storage, its name in the database.")
        var directory: String

        @OptionGroup var storage: StorageOptions

        @Option(help: "The search space file.")
        var space: String

        @Option(help: "Whether the study looks for the smallest or the largest value.")
        var direction: Direction

        @Option(help: "Seeds the sampler.")
        var seed: String

        func run() throws {
            try reportingErrors {
                let seedValue = try parseUnsignedInteger(seed, option: "--seed", kind: .invalidSeed)
                let searchSpace = try SearchSpace.load(path: space)
                let definition = StudyDefinition(space: searchSpace, direction: direction, seed: seedValue)
                if let database = try storage.connect() {
                    _ = try DatabaseStudyStore.create(database: database, name: directory, definition: definition)
                } else {
                    try StudyStore.create(at: URL(fileURLWithPath: directory), definition: definition)
                }
                StandardError.write(
                    "created study \(directory): \(searchSpace.parameters.count) parameters, \(direction.rawValue), seed \(seedValue)")
            }
        }
    }

    /// `optimize study show DIR [--json]`
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a study: its trials by state, the best trial, and the space.")

        @Argument(help: "The study's directory (with --storage: its name in the database).")
        var directory: String

        @OptionGroup var storage: StorageOptions

        @Flag(help: "Print the study as JSON.")
        var json = false

        func run() throws {
            try reportingErrors {
                let snapshot: StudyStore.Snapshot
                if let database = try storage.connect() {
                    snapshot = try DatabaseStudyStore(opening: directory, database: database).snapshot()
                } else {
                    snapshot = try StudyStore(opening: URL(fileURLWithPath: directory)).snapshot()
                }
                print(json ? Self.json(snapshot, directory: directory).text : Self.text(snapshot, directory: directory))
            }
        }

        static let states = ["complete", "running", "failed", "pruned"]

        static func text(_ snapshot: StudyStore.Snapshot, directory: String) -> String {
            let definition = snapshot.definition
            var lines = [
                "study \(directory): \(definition.direction.rawValue), seed \(definition.seed), "
                    + "created \(definition.createdAt.formatted(.iso8601)), sampler \(definition.samplerVersion)",
            ]
            let counts = states.map { "\(snapshot.trials(in: $0).count) \($0)" }.joined(separator: ", ")
            lines.append("trials: \(snapshot.trials.count) (\(counts); \(snapshot.orphaned.count) orphaned)")
            if let best = snapshot.best {
                lines.append("best: trial \(best.number), value \(best.value!), " + parameterText(best, definition.space))
            } else {
                lines.append("best: none yet (no trial told)")
            }
            lines.append("")
            var rows = [["PARAMETER", "TYPE", "VALUES"]]
            for parameter in definition.space.parameters {
                switch parameter.domain {
                case .float(let low, let high, let log, let step):
                    rows.append([parameter.name, "float", "\(low) ... \(high)" + (log ? " log" : "") + (step.map { " step \($0)" } ?? "")])
                case .integer(let low, let high, let log, let step):
                    rows.append([parameter.name, "int", "\(low) ... \(high)" + (log ? " log" : "") + (step == 1 ? "" : " step \(step)")])
                case .categorical(let choices):
                    rows.append([parameter.name, "categorical", choices.map(\.text).joined(separator: ", ")])
                }
            }
            lines += TextTable.render(rows)
            let running = snapshot.trials(in: "running")
            if !running.isEmpty {
                lines.append("")
                let orphaned = Set(snapshot.orphaned.map(\.number))
                for trial in running {
                    let owner = trial.owner.map { "process \($0.processID) on \($0.host)" } ?? "unknown process"
                    lines.append("running: trial \(trial.number), asked \(trial.askedAt.formatted(.iso8601)) by \(owner)"
                        + (orphaned.contains(trial.number) ? " (orphaned: that process is gone; `optimize ask \(directory) --retry \(trial.number)` or `optimize tell \(directory) \(trial.number) --failed`)" : ""))
                }
            }
            if snapshot.droppedTornRecord {
                lines.append("note: the journal's last record was torn by a crash and is ignored")
            }
            return lines.joined(separator: "\n")
        }

        static func parameterText(_ trial: TrialRecord, _ space: SearchSpace) -> String {
            space.parameters.compactMap { parameter in trial.parameters[parameter.name].map { "\(parameter.name)=\($0)" } }
                .joined(separator: " ")
        }

        static func json(_ snapshot: StudyStore.Snapshot, directory: String) -> JSONValue {
            let definition = snapshot.definition
            let orphaned = Set(snapshot.orphaned.map(\.number))
            func trialJSON(_ trial: TrialRecord) -> JSONValue {
                var members: [(key: String, value: JSONValue)] = [
                    ("trial", .integer(trial.number)), ("state", .string(trial.state.name)),
                ]
                switch trial.state {
                case .complete(let value): members.append(("value", .double(value)))
                case .pruned(let step, let value):
                    if let step { members.append(("step", .integer(step))) }
                    if let value { members.append(("value", .double(value))) }
                case .running, .failed: break
                }
                members.append(("params", AskCommand.parametersJSON(trial, definition.space)))
                if trial.state == .running {
                    members.append(("orphaned", .bool(orphaned.contains(trial.number))))
                    if let owner = trial.owner {
                        members += [("pid", .integer(Int(owner.processID))), ("host", .string(owner.host))]
                    }
                }
                members.append(("attempts", .integer(trial.attempts)))
                return .object(members)
            }
            var definitionMembers: [(key: String, value: JSONValue)] = []
            if case .object(let members) = definition.json { definitionMembers = members.filter { $0.key != "format" } }
            return .object(
                [("directory", .string(directory))] + definitionMembers + [
                    ("counts", .object(states.map { ($0, .integer(snapshot.trials(in: $0).count)) } + [("orphaned", .integer(orphaned.count))])),
                    ("best", snapshot.best.map(trialJSON) ?? .null),
                    ("trials", .array(snapshot.trials.map(trialJSON))),
                ])
        }
    }
}
