/// A backend as a ``SieveExecutor`` drives it: it only executes dispatches. How a seed range is cut
/// into dispatches, how an overflowing dispatch is re-split, and which low-bit classes are skipped
/// are the executor's, the same for every backend.
///
/// A conforming backend gets ``SieveBackend/survivors(of:seeds:)`` from the executor.
public protocol SieveDispatchBackend: SieveBackend {
    /// The most records one dispatch can keep.
    var recordCapacity: Int { get }

    /// Whether the executor may skip the low-bit classes that cannot pass (exact either way).
    var pruneLowBitClasses: Bool { get }

    /// How many seeds the backend would like its next dispatch of plan `identity` to have (the
    /// executor cuts at most this many, and never more than ``SieveExecutor/maximumGridSeeds``).
    func preferredDispatchSeeds(for identity: PlanIdentity) -> UInt64

    /// Runs one dispatch of `plan` and reports its survivors and their count (past the capacity
    /// when they overflowed). `identity` is `plan.identity`, computed once by the executor.
    func execute(_ dispatch: SieveDispatch, of plan: SievePlan, identity: PlanIdentity) throws -> SieveDispatch.Outcome

    /// The CPU threads and instruction set that run a ``CyclePass`` for the executor, or `nil` when
    /// the backend does not take the pass (its plans are sieved seed by seed).
    var cyclePassRunner: CyclePass.Runner? { get }
}

extension SieveDispatchBackend {
    public var cyclePassRunner: CyclePass.Runner? { nil }

    /// The survivors among `seeds`, sorted: the executor's splitting, re-splitting and pruning
    /// over this backend's dispatches.
    public func survivors(of plan: SievePlan, seeds: SeedRange) throws -> [SurvivorRecord] {
        try SieveExecutor(backend: self).survivors(of: plan, seeds: seeds)
    }

    /// The same, checking `cancellation` before every dispatch, each bounded in time.
    public func survivors(of plan: SievePlan, seeds: SeedRange, cancellation: Cancellation) throws -> [SurvivorRecord] {
        try SieveExecutor(backend: self, cancellation: cancellation).survivors(of: plan, seeds: seeds)
    }

    /// The same, telling `meter` of each dispatch done.
    public func survivors(of plan: SievePlan, seeds: SeedRange, cancellation: Cancellation, meter: SieveMeter?) throws -> [SurvivorRecord] {
        try SieveExecutor(backend: self, cancellation: cancellation, meter: meter).survivors(of: plan, seeds: seeds)
    }
}
