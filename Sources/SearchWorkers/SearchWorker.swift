import Foundation
import Sieve
import Study
import StudyDatabase
import WindowSearch

/// A worker of a shared search: asks the database for trials, sieves each in its own directory,
/// holds the trial's lease with a heartbeat, and records the result.
///
/// Its directory (`--out`) holds `trials/NNNNN/`, as a run directory does, `worker.json` (which
/// search it serves) and `worker.lock` (one worker per directory). A trial handed to this directory
/// again (the worker was killed and restarted) resumes its sweep from the last chunk.
///
/// What it guarantees with the database (``StudyDatabase/DatabaseStudyStore``):
/// - a trial is evaluated by one worker at a time: a worker whose heartbeat stops (killed,
///   disconnected, suspended) loses the trial after its lease, and the next worker to ask takes it;
/// - a result is recorded once: a worker that lost its lease stops that trial at its next chunk,
///   and its tell is refused;
/// - the database going away stalls the worker, which retries with backoff, and continues.
///
/// ```swift
/// let worker = try SearchWorker(search: search, directory: "/scratch/w1", history: history, backend: CPUSieveBackend())
/// let ending = try worker.run(observer: { print($0) })
/// ```
public final class SearchWorker {
    public static let lockName = "worker.lock"
    public static let fileName = "worker.json"

    public let search: SharedSearch
    public let directory: String
    public let identity: WorkerIdentity
    /// Seconds a trial stays this worker's without a heartbeat; heartbeats come 4 times as often.
    public let lease: Double
    /// Lines for the worker's log: trials started, finished, re-handed, lost, and retries.
    public var log: (String) -> Void = { _ in }
    public var cancellation: Cancellation {
        get { evaluator.cancellation }
        set { evaluator.cancellation = newValue }
    }

    let evaluator: TrialEvaluator
    let lock: DirectoryLock
    /// The heartbeat's own connection: a trial's transaction never waits for it, nor it for one.
    let heartbeatDatabase: DatabaseConnection

    /// Prepares a worker in `directory` (made if missing).
    ///
    /// - Throws: ``InputError``: `outputDirectoryMismatch` when `history` is not the search's, or
    ///   the directory serves another search; `runBusy` when another worker uses it.
    public init(search: SharedSearch, directory: String, history: DrawHistory, backend: SieveBackend,
                lease: Double = 60) throws(InputError) {
        guard history.checksum == search.settings.historyChecksum else {
            throw InputError(.outputDirectoryMismatch, source: history.source,
                             problem: "differs from the search's history (SHA-256 \(history.checksum.prefix(12))…, not \(search.settings.historyChecksum.prefix(12))…)",
                             fix: "give the search's own history file (--draws), unchanged")
        }
        guard lease >= 1, lease <= 86_400 else {
            throw InputError(.invalidOption, source: "--lease", problem: "\(lease) seconds", fix: "give a lease from 1 to 86400 seconds")
        }
        self.search = search
        self.directory = directory
        self.lease = lease
        identity = WorkerIdentity()
        try FileIO.makeDirectories(FilePath(directory))
        lock = try DirectoryLock(directory: FilePath(directory), name: Self.lockName, holder: "worker",
                                 fix: "give each worker its own --out directory")
        let description = JSONValue.object([
            ("search", .string(search.name)), ("storage", .string(search.store.database.url.description)),
            ("created", .string(search.runFile.created)),
        ])
        let path = FilePath(directory).appending(Self.fileName)
        if let existing = try FileIO.contents(of: path, followingLinks: false) {
            guard let json = try? JSONReader.parse(existing), json["search"] == description["search"],
                  json["created"] == description["created"] else {
                throw InputError(.outputDirectoryMismatch, source: path.string, problem: "the directory serves another search",
                                 fix: "give this worker a directory of its own for search \(search.name)")
            }
        } else {
            let entries = FileIO.directoryEntries(FilePath(directory))?.filter { $0 != Self.lockName && !$0.hasPrefix(".") } ?? []
            guard entries.isEmpty else {
                throw InputError(.outputDirectoryMismatch, source: directory, problem: "is not empty and is not a worker's directory",
                                 fix: "give --out a new or empty directory")
            }
            try AtomicFile.write(description.fileBytes, to: path)
        }
        evaluator = TrialEvaluator(directory: directory, settings: search.settings, history: history, backend: backend)
        heartbeatDatabase = try DatabaseConnection(url: search.store.database.url, retrySeconds: lease)
        heartbeatDatabase.onRetry = search.store.database.onRetry
        heartbeatDatabase.statementSeconds = min(30, lease / 4)
    }

    /// Runs trials until the search has all of its trials finished, or `shouldStop` says to stop
    /// (checked between trials and after every chunk). A stopped worker releases its trial.
    ///
    /// - Parameter observer: the search's events, as a directory run reports them.
    /// - Returns: `complete`, or `interrupted` when stopped.
    public func run(observer: (SearchRun.Event) -> Void = { _ in },
                    shouldStop: () -> Bool = { false }) throws -> SearchRun.Ending {
        let store = search.store
        let trials = search.settings.trials
        var waitingSince: Date?
        log("worker \(identity) on \(search.source) in \(directory), lease \(Int(lease)) s")
        while true {
            if shouldStop() { return .interrupted }
            let assignment = try store.ask(worker: identity, lease: lease, limit: trials)
            if case .finished = assignment {
                log("search \(search.name) complete: \(trials) trials")
                return .complete
            }
            guard case .trial(let record, let rehanded, _) = assignment else {
                if waitingSince == nil {
                    waitingSince = Date()
                    log("every trial is handed out; waiting for the running ones (a stopped worker's trial comes back after its lease)")
                }
                Thread.sleep(forTimeInterval: min(2, lease / 4))
                continue
            }
            waitingSince = nil
            let number = record.number
            let parameters = TrialParameters(record.parameters, bounds: search.settings.bounds)
            let trialDirectory = FilePath(directory).appending(RunFiles.trialDirectory(number)).string
            let resumed = FileIO.isDirectory(FilePath(trialDirectory))
            log("trial \(number) \(rehanded ? "handed over (its worker stopped)" : resumed ? "resumes" : "starts"): \(parameters.label)")
            observer(.trialStarted(trial: number, parameters: parameters, resumed: resumed || rehanded))
            let started = Date()
            let heartbeat = Heartbeat(store: store.reopened(on: heartbeatDatabase), trial: number, worker: identity, lease: lease)
            heartbeat.start()
            let outcome: TrialOutcome?
            do {
                outcome = try evaluator.evaluate(number, parameters,
                                                 onChunk: { chunk in
                                                     heartbeat.report(chunk, since: started)
                                                     observer(.sieveProgress(trial: number, progress: chunk))
                                                 },
                                                 shouldStop: { shouldStop() || heartbeat.lost })
            } catch {
                heartbeat.stop()
                try? store.release(trial: number, worker: identity)
                throw error
            }
            heartbeat.stop()
            guard let outcome else {
                if heartbeat.lost {
                    log("trial \(number) was handed to another worker (this one's lease ran out): dropped")
                    continue
                }
                try store.release(trial: number, worker: identity)
                log("stopped on request during trial \(number); it is released for another worker")
                return .interrupted
            }
            let seconds = Date().timeIntervalSince(started)
            if try !tell(outcome, seconds: seconds, resumed: resumed) {
                log("trial \(number) finished, but another worker holds it now: its result is the one recorded")
                continue
            }
            log("trial \(number) \(outcome.state.rawValue.lowercased())" + String(format: " in %.1f s", seconds))
            observer(.trialFinished(outcome, best: try best()))
        }
    }

    /// Records a finished trial: its record, and its files when small.
    ///
    /// - Returns: `false` when the trial was handed to another worker meanwhile (nothing recorded).
    func tell(_ outcome: TrialOutcome, seconds: Double, resumed: Bool) throws(InputError) -> Bool {
        let trialDirectory = FilePath(directory).appending(RunFiles.trialDirectory(outcome.trial)).string
        try RunFileCoding.write(outcome, to: FilePath(trialDirectory).appending(RunFiles.trialRecord))
        let files = outcome.state == .complete ? TrialFiles.pack(directory: trialDirectory) : nil
        let record = SharedTrialRecord(outcome: outcome, host: identity.owner.host,
                                       directory: URL(fileURLWithPath: directory).standardizedFileURL.path,
                                       worker: identity.name, seconds: seconds, resumed: resumed, filesInDatabase: files != nil)
        let text = try RunFileCoding.encoder.encode(record).text
        let store = search.store
        do {
            switch outcome.state {
            case .complete: try store.tell(trial: outcome.trial, value: outcome.score ?? 0, worker: identity, record: text, attachment: files)
            case .pruned: try store.prune(trial: outcome.trial, worker: identity, record: text)
            case .failed: try store.fail(trial: outcome.trial, worker: identity, record: text)
            }
        } catch {
            if error.kind == .leaseLost { return false }
            throw error
        }
        return true
    }

    /// The best finished trial in the database.
    func best() throws(InputError) -> TrialOutcome? {
        SearchRun.best(of: try search.trials().compactMap { $0.record?.outcome })
    }
}

/// Extends a trial's lease every quarter lease, on a thread of its own, until stopped; notes when
/// the lease was lost (the trial was handed to another worker).
final class Heartbeat: @unchecked Sendable {
    let store: DatabaseStudyStore
    let trial: Int
    let worker: WorkerIdentity
    let lease: Double
    private let state = NSCondition()
    private var stopped = false
    private var isLost = false
    private var thread: Thread?
    /// Signalled when the thread has returned: no heartbeat is in flight after ``stop()``.
    private let exited = DispatchSemaphore(value: 0)

    init(store: DatabaseStudyStore, trial: Int, worker: WorkerIdentity, lease: Double) {
        self.store = store
        self.trial = trial
        self.worker = worker
        self.lease = lease
    }

    var lost: Bool {
        state.lock(); defer { state.unlock() }
        return isLost
    }

    /// The trial's progress for the next heartbeat: `{"seeds_swept", "seeds_total", "seeds_per_second"}`.
    private var progress: String?

    func report(_ chunk: SieveSweep.Progress, since started: Date) {
        let seconds = Date().timeIntervalSince(started)
        let rate = seconds > 0 ? Double(chunk.seedsSweptThisRun) / seconds : 0
        let text = JSONValue.object([
            ("seeds_swept", .string(String(chunk.seedsSwept))), ("seeds_total", .string(String(chunk.seedsTotal))),
            ("seeds_per_second", .double(rate)),
        ]).text
        state.lock(); progress = text; state.unlock()
    }

    func start() {
        let thread = Thread { [self] in
            defer { exited.signal() }
            while true {
                state.lock()
                if !stopped { _ = state.wait(until: Date().addingTimeInterval(lease / 4)) }
                let done = stopped
                state.unlock()
                if done { return }
                // A database that is away is retried by the connection; a refusal means the lease is gone.
                state.lock(); let report = progress; state.unlock()
                if let held = try? store.heartbeat(trial: trial, worker: worker, lease: lease, progress: report), !held {
                    state.lock(); isLost = true; state.unlock()
                    return
                }
            }
        }
        self.thread = thread
        thread.start()
    }

    /// Stops the heartbeats and waits for one in flight, so that a release or a tell after it
    /// is not undone by a late renewal.
    func stop() {
        state.lock()
        stopped = true
        state.broadcast()
        state.unlock()
        if thread != nil { exited.wait() }
    }
}
