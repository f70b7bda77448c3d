import Foundation

/// One trial of a study: its number, its parameters, and where it stands.
///
/// ```swift
/// let best = trials.filter { $0.state.isComplete }.min { $0.value! < $1.value! }
/// ```
public struct TrialRecord: Sendable, Hashable {
    /// Where a trial stands.
    public enum State: Sendable, Hashable {
        /// Asked for, and not yet told (its process may have died: see ``StudyStore/Snapshot``).
        case running
        /// Told with a value.
        case complete(Double)
        /// Its evaluation failed; the sampler ignores it.
        case failed
        /// Stopped early, after `step` steps with an intermediate `value` (either may be unknown).
        case pruned(step: Int?, value: Double?)

        /// A short name: running, complete, failed or pruned.
        public var name: String {
            switch self {
            case .running: "running"
            case .complete: "complete"
            case .failed: "failed"
            case .pruned: "pruned"
            }
        }

        public var isFinished: Bool { self != .running }
    }

    /// The trial's number: 0 for the first trial asked, then one more for each.
    public let number: Int
    public var parameters: [String: ParameterValue]
    public var state: State
    /// When it was first asked for.
    public var askedAt: Date
    /// When it was told, failed or pruned.
    public var finishedAt: Date?
    /// The process that last asked for it.
    public var owner: TrialOwner?
    /// How many times it was asked for: 1, plus one per retry of an unfinished trial.
    public var attempts: Int

    public init(number: Int, parameters: [String: ParameterValue], state: State = .running,
                askedAt: Date = Date(), finishedAt: Date? = nil, owner: TrialOwner? = nil, attempts: Int = 1) {
        self.number = number
        self.parameters = parameters
        self.state = state
        self.askedAt = askedAt
        self.finishedAt = finishedAt
        self.owner = owner
        self.attempts = attempts
    }

    /// The value of a complete trial.
    public var value: Double? {
        if case .complete(let value) = state { return value }
        return nil
    }
}

/// The process that asked for a trial: a running trial whose owner is gone was orphaned.
public struct TrialOwner: Sendable, Hashable {
    public let processID: Int32
    public let host: String

    public init(processID: Int32, host: String) {
        self.processID = processID
        self.host = host
    }

    /// This machine's host name.
    public static var currentHost: String { ProcessInfo.processInfo.hostName }
}
