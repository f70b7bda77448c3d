/// Runs a plan over a seed range on any ``SieveDispatchBackend``: the one place that decides how the
/// range is cut into dispatches, re-splits a dispatch whose survivors overflow the records, and
/// skips the low-bit classes that cannot pass. The backend only executes the dispatches, so the
/// CPU and Metal prune alike and split alike.
///
/// - **Splitting** (``chunkSeeds(remaining:preferred:maximum:)``): each dispatch takes the
///   backend's preferred size (Metal's dispatch sizer, the CPU's whole range), at most
///   ``maximumDispatchSeeds``; what remains of a run goes in one dispatch when it fits in 1.25.
///   With a ``Cancellation`` that can fire, dispatches are also bounded in time (about
///   ``dispatchSecondsWhenCancellable``: the first by the plan's estimated steps per seed, the
///   next by the rate the run measured), and the token is checked before each one, so a stop
///   request ends the run within a dispatch (``SieveCancelled``).
/// - **Re-splitting** (``resplit(_:survivorCount:capacity:)``): a dispatch whose survivor count
///   passes its capacity is run again as pieces sized to hold them, each checked again.
/// - **Pruning**: for a plan with low-bit classes, the class table is sieved once and cached
///   (``LowBitClassTable``); when few enough classes live to pay, each living class runs as a
///   strided seed set `start + k·2^B`.
///
/// ```swift
/// let outcome = try SieveExecutor(backend: CPUSieveBackend()).run(plan, seeds: range, tracing: true)
/// outcome.survivors      // sorted by seed, identical with and without pruning
/// outcome.dispatches     // what the backend was asked to run, re-splits included
/// ```
public struct SieveExecutor: Sendable {
    /// At most 2^30 seeds a dispatch: grid positions stay within 32 bits on every backend.
    public static let maximumGridSeeds: UInt64 = 1 << 30

    public let backend: any SieveDispatchBackend
    /// Whether low-bit classes may be skipped; the backend's setting by default.
    public var pruneLowBitClasses: Bool
    /// The most seeds one dispatch takes (at most ``maximumGridSeeds``).
    public var maximumDispatchSeeds: UInt64
    /// Checked before every dispatch (the class table's too).
    public var cancellation: Cancellation

    /// How long a dispatch may take when the run can be cancelled: the time a stop request waits.
    public static let dispatchSecondsWhenCancellable = 0.25
    /// Single generator steps the first dispatch of a cancellable run may cost in all (about a
    /// tenth of a second on one slow core), before the run has measured its rate.
    public static let firstDispatchSteps: UInt64 = 1 << 26

    public init(backend: any SieveDispatchBackend, pruneLowBitClasses: Bool? = nil,
                maximumDispatchSeeds: UInt64 = SieveExecutor.maximumGridSeeds, cancellation: Cancellation = .never) {
        precondition(maximumDispatchSeeds >= 1)
        self.backend = backend
        self.cancellation = cancellation
        self.pruneLowBitClasses = pruneLowBitClasses ?? backend.pruneLowBitClasses
        self.maximumDispatchSeeds = min(maximumDispatchSeeds, Self.maximumGridSeeds)
    }

    /// What a run did.
    public struct Outcome: Sendable {
        /// The survivors, sorted by seed.
        public var survivors: [SurvivorRecord] = []
        /// The dispatches the backend ran, in order, overflow re-runs included (only when traced).
        public var dispatches: [SieveDispatch] = []
        /// Seeds the backend sieved, re-runs included (the class table's not counted).
        public var seedsDispatched: UInt128 = 0
        /// Dispatches whose survivors overflowed their records and were re-split.
        public var overflows = 0
        /// The class table the run pruned with, or `nil` for a plain sweep.
        public var pruning: LowBitClassTable?
    }

    /// The survivors among `seeds`, sorted by seed.
    public func survivors(of plan: SievePlan, seeds: SeedRange) throws -> [SurvivorRecord] {
        try run(plan, seeds: seeds).survivors
    }

    /// The time-bounded size cap of the next dispatch of a cancellable run (``maximumDispatchSeeds``
    /// otherwise): the first from the plan's estimated steps per seed, the next from the seconds
    /// per seed measured so far, growing at most fourfold from one dispatch to the next.
    static func timedCap(stepsPerSeed: UInt64, secondsPerSeed: Double?, previous: UInt64?, maximum: UInt64) -> UInt64 {
        guard let secondsPerSeed, let previous else {
            return max(1, min(maximum, firstDispatchSteps / max(1, stepsPerSeed)))
        }
        let fitting = secondsPerSeed > 0 ? dispatchSecondsWhenCancellable / secondsPerSeed : Double(maximum)
        let capped = min(Double(maximum), Double(previous) * 4, fitting)
        return max(1, UInt64(capped.rounded(.down)))
    }

    /// Runs `plan` over `seeds`; with `tracing`, the outcome lists every dispatch.
    public func run(_ plan: SievePlan, seeds: SeedRange, tracing: Bool = false) throws -> Outcome {
        var run = Run(plan: plan, identity: plan.identity, tracing: tracing)
        if let table = try pruning(for: plan, seeds: seeds) {
            run.outcome.pruning = table
            let period = table.period
            for c in table.living {
                let offset = (c &- seeds.first) & (period - 1)
                guard seeds.last - seeds.first >= offset else { continue }
                let start = seeds.first + offset
                try sweep(first: start, count: UInt128((seeds.last - start) / period) + 1, stride: period, &run)
            }
        } else {
            try sweep(first: seeds.first, count: seeds.count, stride: 1, &run)
        }
        run.outcome.survivors.sort()
        return run.outcome
    }

    /// The class table to prune `seeds` with, or `nil` for a plain sweep: when pruning is on, the
    /// plan has low-bit classes, the range covers them all, few enough live (half of a few thousand
    /// classes, each a long strided run; a sixteenth of more, whose runs are short), and their
    /// dispatches, each with the backend's overhead, cost no more than the plain sweep's.
    public func pruning(for plan: SievePlan, seeds: SeedRange) throws -> LowBitClassTable? {
        guard pruneLowBitClasses, let classes = plan.lowBitClasses,
              seeds.count >= UInt128(1) << UInt128(classes.classBits),
              // Timed as `.tables`; its own dispatches count as `.kernel` (PhaseTimer's nesting).
              let table = try PhaseTimer.measure(.tables, { try LowBitClassTable.table(for: plan, sievedBy: self) })
        else { return nil }
        let period = table.period
        guard UInt64(table.living.count) * (period >= 4096 ? 16 : 2) <= period else { return nil }
        let overhead = UInt128(backend.dispatchOverheadSeeds)
        let prunedCost = UInt128(table.living.count) * (seeds.count / UInt128(period) + 1 + overhead)
        let plainCost = seeds.count + overhead * (seeds.count / UInt128(maximumDispatchSeeds) + 1)
        return prunedCost <= plainCost ? table : nil
    }

    // MARK: - The rules

    /// The split rule: the seeds of the next dispatch when `remaining` are left of a seed set and
    /// the backend prefers `preferred`: `preferred` (within 1 ... `maximum`), or all that remains
    /// (up to `maximum`) when it fits in 1.25 dispatches, so that no tiny dispatch trails a run.
    public static func chunkSeeds(remaining: UInt128, preferred: UInt64, maximum: UInt64) -> UInt64 {
        precondition(remaining > 0 && maximum >= 1)
        let seeds = max(1, min(preferred, maximum))
        if remaining <= UInt128(seeds) + UInt128(seeds / 4) {
            return UInt64(min(remaining, UInt128(maximum)))
        }
        return seeds
    }

    /// The re-split rule: the pieces that re-run `dispatch` when `survivorCount` survivors
    /// overflowed its records. As many nearly equal pieces as hold the survivors with a quarter to
    /// spare (at least two, at most one a seed), each with up to `capacity` records and one level
    /// deeper; each is checked again when it runs.
    public static func resplit(_ dispatch: SieveDispatch, survivorCount: UInt64, capacity: Int) -> [SieveDispatch] {
        let count = dispatch.seedCount
        let pieces = min(count, max(2, (survivorCount * 5 / 4) / UInt64(dispatch.capacity) + 1))
        return (0..<pieces).map { piece in
            let begin = count * piece / pieces
            let end = count * (piece + 1) / pieces
            return SieveDispatch(index: dispatch.index, firstSeed: dispatch.firstSeed + begin * dispatch.seedStride,
                                 seedCount: end - begin, seedStride: dispatch.seedStride,
                                 capacity: Int(min(UInt64(capacity), end - begin)), resplitDepth: dispatch.resplitDepth + 1)
        }
    }

    // MARK: - Running

    private struct Run {
        let plan: SievePlan
        let identity: PlanIdentity
        let tracing: Bool
        var index = 0
        var outcome = Outcome()
        /// Measured while a cancellable run goes: seconds per seed, and the last dispatch's size.
        var secondsPerSeed: Double?
        var lastDispatchSeeds: UInt64?
    }

    /// Runs the seeds `first + k·stride`, k < `count`, in dispatches cut by the split rule.
    private func sweep(first: UInt64, count: UInt128, stride: UInt64, _ run: inout Run) throws {
        var start = first
        var remaining = count
        let capacity = UInt64(backend.recordCapacity)
        while remaining > 0 {
            try cancellation.check()
            let preferred = backend.preferredDispatchSeeds(for: run.identity)
            var maximum = maximumDispatchSeeds
            if cancellation.isCancellable {
                maximum = Self.timedCap(stepsPerSeed: run.plan.estimatedStepsPerSeed, secondsPerSeed: run.secondsPerSeed,
                                        previous: run.lastDispatchSeeds, maximum: maximum)
            }
            let seeds = Self.chunkSeeds(remaining: remaining, preferred: preferred, maximum: maximum)
            let dispatch = SieveDispatch(index: run.index, firstSeed: start, seedCount: seeds, seedStride: stride,
                                         capacity: Int(min(capacity, seeds)))
            let started = ContinuousClock.now
            try execute(dispatch, &run)
            if cancellation.isCancellable {
                let elapsed = ContinuousClock.now - started
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                run.secondsPerSeed = seconds / Double(seeds)
                run.lastDispatchSeeds = seeds
            }
            remaining -= UInt128(seeds)
            if remaining > 0 { start += seeds * stride }
            run.index += 1
        }
    }

    /// Runs one dispatch; if its survivors overflow, runs its re-split pieces instead.
    private func execute(_ dispatch: SieveDispatch, _ run: inout Run) throws {
        try cancellation.check()
        if run.tracing { run.outcome.dispatches.append(dispatch) }
        let result = try PhaseTimer.measure(.kernel) { try backend.execute(dispatch, of: run.plan, identity: run.identity) }
        run.outcome.seedsDispatched += UInt128(dispatch.seedCount)
        guard !result.overflowed else {
            run.outcome.overflows += 1
            for piece in Self.resplit(dispatch, survivorCount: result.survivorCount, capacity: backend.recordCapacity) {
                try execute(piece, &run)
            }
            return
        }
        run.outcome.survivors += result.survivors
    }
}
