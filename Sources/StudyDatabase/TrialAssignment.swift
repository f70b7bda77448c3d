import Study

/// What ``DatabaseStudyStore/ask(worker:lease:limit:)`` hands a worker.
public enum TrialAssignment: Sendable {
    /// A trial to evaluate: new, or `rehanded` from a worker whose lease ran out (or, when
    /// `resumed`, the asking worker's own trial, asked before and never told).
    case trial(TrialRecord, rehanded: Bool, resumed: Bool)
    /// Every trial of the limit has been handed out and some are still running under a live
    /// lease: ask again later (one of them may be handed out again if its worker stops).
    case wait
    /// Every trial of the limit is finished.
    case finished
}

/// A worker: the process that holds a trial's lease, by a name unique to the process.
public struct WorkerIdentity: Sendable, Hashable, CustomStringConvertible {
    /// `HOST/PID/RANDOM`: the random part tells apart two processes that reused a PID.
    public let name: String
    public let owner: TrialOwner

    public init(owner: TrialOwner = StudyStore.currentOwner, tag: String? = nil) {
        self.owner = owner
        let suffix = tag ?? String(UInt32.random(in: 0...UInt32.max), radix: 36)
        name = "\(owner.host)/\(owner.processID)/\(suffix)"
    }

    public var description: String { name }
}
