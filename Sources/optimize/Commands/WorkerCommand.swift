import ArgumentParser
import Foundation
import Sieve
import SearchWorkers
import StudyDatabase
import WindowSearch

/// `optimize worker --storage URL --name NAME --out DIR`: joins a shared search and runs its trials.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Join a window search in a study database and run its trials until it is complete.",
        discussion: """
            Run one worker per machine (or per GPU), each with its own --out directory on its own \
            disk: it sieves each trial there (trials/NNNNN/) and records the result in the database. \
            A trial whose worker stops heart-beating (killed, disconnected) is handed to another \
            worker after --lease seconds; a result is recorded once. If the database goes away, the \
            worker retries with backoff for --retry-for seconds. Ctrl-C releases the current trial \
            for another worker at once.
            """)

    @OptionGroup var shared: WorkerOptions

    @Option(help: "The draw history, if it is not where the search's creator found it (it must be the same file).")
    var draws: String?

    func run() throws {
        try reportingErrors {
            let stop = SignalStop()
            let database = try shared.connect()
            let search = try SharedSearch.open(database: database, name: shared.name)
            let settings = search.settings
            let path = draws ?? settings.historyPath
            let history: DrawHistory
            do {
                history = try DrawHistory.load(path: path, format: settings.historyFormat, newestFirst: settings.newestFirst)
            } catch let error as InputError where error.kind == .unreadableFile && draws == nil {
                throw InputError(.unreadableFile, source: path, problem: "the search's draw history cannot be read here (\(error.problem))",
                                 fix: "give this machine's copy with --draws FILE")
            }
            try WorkerSession.run(search, history: history, options: shared, stop: stop)
        }
    }
}

/// The options of a worker: shared by `optimize worker` and `optimize search --storage`.
struct WorkerOptions: ParsableArguments {
    @OptionGroup var storage: StorageOptions

    @Option(help: "The search's name in the database.")
    var name: String

    @Option(help: "This worker's directory, on its own disk: created; trials/NNNNN/ hold its trials' sweeps.")
    var out: String

    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds a trial stays this worker's without a heartbeat (heartbeats come 4 times as often).", valueName: "seconds"))
    var lease: Double = 60

    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds to keep retrying when the database goes away.", valueName: "seconds"))
    var retryFor: Double = 600

    @OptionGroup var backendOptions: BackendOptions

    @Flag(help: "Print the best trial as JSON when the search is complete, instead of text.")
    var json = false

    func connect() throws(InputError) -> DatabaseConnection {
        guard retryFor >= 0, retryFor <= 7 * 86_400 else {
            throw InputError(.invalidOption, source: "--retry-for", problem: "\(retryFor) seconds", fix: "give 0 to 604800 seconds")
        }
        guard let database = try storage.connect(retrySeconds: retryFor) else {
            throw InputError(.invalidOption, source: "--storage", problem: "missing (and OPTIMIZE_STORAGE is not set)",
                             fix: "give the study database: --storage postgresql://USER@HOST/DATABASE")
        }
        return database
    }
}

/// Runs a worker with progress on standard error and prints the search's result: shared by
/// `worker` and `search --storage`.
enum WorkerSession {
    static func run(_ search: SharedSearch, history: DrawHistory, options: WorkerOptions, stop: SignalStop) throws {
        let selection = try options.backendOptions.select()
        let worker = try SearchWorker(search: search, directory: options.out, history: history, backend: selection.backend,
                                      lease: options.lease)
        worker.cancellation = stop.cancellation
        worker.log = { StandardError.write($0) }
        let finished = try search.trials().filter { $0.record != nil }
        let display = SearchDisplay(total: search.settings.trials, finished: finished.count,
                                    best: SearchRun.best(of: finished.compactMap { $0.record?.outcome }))
        let ending = try worker.run(observer: display.handle, shouldStop: { stop.requested })
        display.finish()
        guard case .complete = ending else {
            StandardError.write("stopped; run `optimize worker --storage URL --name \(search.name) --out \(options.out)` to continue")
            throw ExitCode(stop.exitStatus)
        }
        let outcomes = try search.trials().compactMap { $0.record?.outcome }
        let best = SearchRun.best(of: outcomes)
        if options.json {
            print(try best.map { try RunFileCoding.encoder.encode($0).text } ?? "null")
            return
        }
        print(SearchSession.text(outcomes: outcomes, settings: search.settings, place: search.source,
                                 run: "--storage URL --name \(search.name)"))
    }
}
