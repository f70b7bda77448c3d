import Synchronization
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
/// - **Pruning**: for a plan with low-bit classes, the class table is sieved once per plan and
///   cached (``LowBitClassTable``); when it leaves out enough, the dispatches cover positions of
///   its pruned seed set (the seeds of living classes, in order) instead of seeds, and the kernels
///   count each window only at the skips its class can pass. A chunk of any size is pruned alike.
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
    /// Told of each finished top-level dispatch of ``run(_:seeds:tracing:)`` (not the class table's).
    public var meter: SieveMeter?

    /// How long a dispatch may take when the run can be cancelled: the time a stop request waits.
    public static let dispatchSecondsWhenCancellable = 0.25
    /// Single generator steps the first dispatch of a cancellable run may cost in all (about a
    /// tenth of a second on one slow core), before the run has measured its rate.
    public static let firstDispatchSteps: UInt64 = 1 << 26

    public init(backend: any SieveDispatchBackend, pruneLowBitClasses: Bool? = nil,
                maximumDispatchSeeds: UInt64 = SieveExecutor.maximumGridSeeds, cancellation: Cancellation = .never,
                meter: SieveMeter? = nil) {
        precondition(maximumDispatchSeeds >= 1)
        self.backend = backend
        self.cancellation = cancellation
        self.meter = meter
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
        /// Whether the run sieved only a ``CyclePass``'s candidates.
        public var cyclePass = false
    }

    /// The survivors among `seeds`, sorted by seed.
    public func survivors(of plan: SievePlan, seeds: SeedRange) throws -> [SurvivorRecord] {
        try run(plan, seeds: seeds).survivors
    }

    /// The time-bounded size cap of the next dispatch of a cancellable run (``maximumDispatchSeeds``
    /// otherwise): the first from the plan's estimated steps per seed, the next from the seconds
    /// per seed measured so far, growing at most fourfold from one dispatch to the next.
    static func timedCap(stepsPerSeed: UInt64, secondsPerSeed: Double?, previous: UInt64?, maximum: UInt64) -> UInt64 {
        guard let secondsPerSeed else {
            return max(1, min(maximum, firstDispatchSteps / max(1, stepsPerSeed)))
        }
        let fitting = secondsPerSeed > 0 ? dispatchSecondsWhenCancellable / secondsPerSeed : Double(maximum)
        let capped = min(Double(maximum), previous.map { Double($0) * 4 } ?? Double(maximum), fitting)
        return max(1, UInt64(capped.rounded(.down)))
    }

    /// Runs `plan` over `seeds`; with `tracing`, the outcome lists every dispatch.
    public func run(_ plan: SievePlan, seeds: SeedRange, tracing: Bool = false) throws -> Outcome {
        var run = Run(plan: plan, identity: plan.identity, tracing: tracing)
        if let candidates = try cycleCandidates(for: plan, seeds: seeds, identity: run.identity) {
            // Only the pass's candidates (and seed 0, off the cycle) can survive: each is sieved
            // alone, by the backend's kernel.
            let inRange = candidates[CyclePass.firstIndex(in: candidates, notBelow: seeds.first)...]
                .prefix { $0 <= seeds.last }
            for seed in (seeds.first == 0 ? [0] : []) + inRange {
                try execute(SieveDispatch(index: run.index, firstSeed: seed, seedCount: 1, capacity: 1), &run)
                run.index += 1
            }
            run.outcome.cyclePass = true
            meter?.advanced(done: seeds.count, of: seeds.count)
            run.outcome.survivors.sort()
            return run.outcome
        }
        if let table = try pruning(for: plan, seeds: seeds) {
            run.outcome.pruning = table
            run.pruned = SieveDispatch.PrunedSet(table: table, keptSeeds: seeds)
            run.secondsPerSeed = Self.measuredRates.withLock { $0[RateKey(run.identity, backend.name, pruned: true)] }
            let positions = table.positions(in: seeds)
            if positions.count > 0 {
                try sweep(first: positions.first, count: positions.count, stride: 1, &run)
            }
        } else {
            run.secondsPerSeed = Self.measuredRates.withLock { $0[RateKey(run.identity, backend.name, pruned: false)] }
            try sweep(first: seeds.first, count: seeds.count, stride: 1, &run)
        }
        run.outcome.survivors.sort()
        return run.outcome
    }

    /// The class table to prune `seeds` with, or `nil` for a plain sweep: when pruning is on, the
    /// plan has low-bit classes, the table leaves out at least half of the (seed, skip) pairs, and
    /// it is sieved already or `seeds` are enough for a table of 2^B classes to pay (at least
    /// 4 · 2^B seeds: sieving the table costs about as much as 2^B seeds). A sweep asks once for its
    /// whole range (``SieveSweep``), so that its chunks, however small, find the table sieved.
    public func pruning(for plan: SievePlan, seeds: SeedRange) throws -> LowBitClassTable? {
        guard pruneLowBitClasses, let classes = plan.lowBitClasses else { return nil }
        if let cached = LowBitClassTable.cached(for: plan) { return cached }
        guard seeds.count >= UInt128(4) << UInt128(classes.classBits) else { return nil }
        // Timed as `.tables`; its own dispatches count as `.kernel` (PhaseTimer's nesting). Its
        // runs are not the caller's seeds: the meter is left out.
        var sieving = self
        sieving.meter = nil
        return try PhaseTimer.measure(.tables, { try LowBitClassTable.table(for: plan, sievedBy: sieving) })
    }

    /// The candidates of the plan's ``CyclePass``, or `nil` to sieve seed by seed: when the backend
    /// takes the pass, the plan has one, and it ran already or pays for `seeds` (then it runs now, on
    /// the backend's threads, and is cached for the plan). A sweep asks once for what it has left
    /// (``SieveSweep``), so that its chunks, however small, find the candidates.
    ///
    /// - Throws: ``SieveCancelled`` when the executor's cancellation fires during the pass.
    public func cycleCandidates(for plan: SievePlan, seeds: SeedRange, identity: PlanIdentity? = nil) throws -> [UInt64]? {
        guard let runner = backend.cyclePassRunner else { return nil }
        let identity = identity ?? plan.identity
        if let cached = CyclePass.cached(for: identity) { return cached }
        guard let pass = CyclePass(plan: plan), pass.pays(for: seeds) else { return nil }
        let candidates = try PhaseTimer.measure(.kernel) {
            try pass.candidates(threads: runner.threads, instructionSet: runner.instructionSet, cancellation: cancellation,
                                meter: meter)
        }
        CyclePass.store(candidates, for: identity)
        return candidates
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
                                 capacity: Int(min(UInt64(capacity), end - begin)), resplitDepth: dispatch.resplitDepth + 1,
                                 pruned: dispatch.pruned)
        }
    }

    // MARK: - Running

    /// Seconds per seed (or pruned-set position) that earlier runs of a plan measured in this
    /// process: a sweep's next chunk starts at that rate, not at the cautious first dispatch.
    private static let measuredRates = Mutex<[RateKey: Double]>([:])

    private struct RateKey: Hashable {
        let plan: PlanIdentity
        let backend: String
        let pruned: Bool
        init(_ plan: PlanIdentity, _ backend: String, pruned: Bool) {
            self.plan = plan
            self.backend = backend
            self.pruned = pruned
        }
    }

    private struct Run {
        let plan: SievePlan
        let identity: PlanIdentity
        let tracing: Bool
        /// The pruned set the dispatches index, if any.
        var pruned: SieveDispatch.PrunedSet?
        var index = 0
        var outcome = Outcome()
        /// Measured while a cancellable run goes: seconds per seed, and the last dispatch's size.
        var secondsPerSeed: Double?
        var lastDispatchSeeds: UInt64?
    }

    /// Runs the seeds `first + k·stride` (positions of the pruned set when pruning), k < `count`, in
    /// dispatches cut by the split rule.
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
                                         capacity: Int(min(capacity, seeds)), pruned: run.pruned)
            let started = ContinuousClock.now
            try execute(dispatch, &run)
            if cancellation.isCancellable {
                let elapsed = ContinuousClock.now - started
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                run.secondsPerSeed = seconds / Double(seeds)
                run.lastDispatchSeeds = seeds
                let key = RateKey(run.identity, backend.name, pruned: run.pruned != nil)
                Self.measuredRates.withLock { rates in
                    if rates.count >= 256 { rates.removeAll() }
                    rates[key] = seconds / Double(seeds)
                }
            }
            remaining -= UInt128(seeds)
            meter?.advanced(done: count - remaining, of: count)
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
