import Foundation
import WindowSearch

/// What a worker records in the database for a finished trial of a shared search: the trial's
/// record, as a run's `trials.journal` holds it, and where its files are.
public struct SharedTrialRecord: Codable, Sendable {
    public var outcome: TrialOutcome
    /// The machine and directory that hold the trial's `trials/NNNNN/` (its survivors).
    public var host: String
    public var directory: String
    /// The worker that evaluated it.
    public var worker: String
    /// Seconds the trial took on that worker (the attempt that finished it).
    public var seconds: Double
    /// Whether the attempt resumed a sweep begun before (by the same directory).
    public var resumed: Bool
    /// Whether the trial's files are kept in the database with the record (``TrialFiles``).
    public var filesInDatabase: Bool

    public init(outcome: TrialOutcome, host: String, directory: String, worker: String, seconds: Double, resumed: Bool,
                filesInDatabase: Bool) {
        self.outcome = outcome
        self.host = host
        self.directory = directory
        self.worker = worker
        self.seconds = seconds
        self.resumed = resumed
        self.filesInDatabase = filesInDatabase
    }
}
