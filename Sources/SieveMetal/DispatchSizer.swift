import Sieve

/// Sizes sieve dispatches to a target GPU time, from the times of the dispatches before.
///
/// A command buffer must stay short: on a Mac with a display the watchdog kills one that runs for
/// seconds, and hashcat tunes its Metal kernels to about 60-100 ms a launch. Each plan (kernel,
/// family, windows, skips) has its own cost per seed, which varies by three orders of magnitude
/// across the standard workloads, so the sizer learns a rate per plan (keyed by ``PlanIdentity``, the
/// key the class tables use too):
///
/// - a plan's first dispatch has ``Policy/initialSeeds`` seeds;
/// - after each dispatch it updates the plan's rate (seeds per GPU second: a slower measurement
///   replaces the estimate at once, a faster one is averaged in by size) and its survivor density;
/// - the next dispatch covers `rate × target` seeds, grown at most ``Policy/maxGrowth`` times past
///   the largest dispatch measured so far (a first estimate from a tiny dispatch can be far off),
///   capped so that the expected survivors fill at most half the record buffer, rounded to whole
///   threadgroups, and kept within ``Policy/minimumSeeds`` ... ``Policy/maximumSeeds``;
/// - the executor's split rule (``SieveExecutor/chunkSeeds(remaining:preferred:maximum:)``) cuts
///   the range: when what remains fits in 1.25 dispatches it goes in one, so that no tiny
///   dispatch trails a call.
///
/// ```swift
/// var sizer = DispatchSizer()
/// let n = sizer.nextDispatch(for: key, remaining: 1 << 32, capacity: 1 << 18)   // 65536 at first
/// sizer.record(for: key, seeds: n, seconds: 0.004, survivors: 0)                // rate 16 M/s
/// sizer.nextDispatch(for: key, remaining: 1 << 32, capacity: 1 << 18)           // 524288 (8×, capped)
/// ```
public struct DispatchSizer: Sendable {
    /// What the sizer aims for.
    public struct Policy: Sendable, Equatable {
        /// GPU seconds per dispatch to aim for (the middle of 50-100 ms).
        public var targetSeconds: Double = 0.075
        /// The first dispatch of a plan with no measurement yet.
        public var initialSeeds: UInt64 = 1 << 16
        public var minimumSeeds: UInt64 = 1 << 10
        /// At most 2^30 seeds a dispatch: grid positions stay 32-bit.
        public var maximumSeeds: UInt64 = 1 << 30
        /// How many times the largest measured dispatch the next may be.
        public var maxGrowth: Double = 8
        /// Dispatch sizes are multiples of this (a threadgroup size) when above it.
        public var granularity: UInt64 = 256
        /// The share of the record buffer the expected survivors may fill.
        public var capacityShare: Double = 0.5

        public init() {}
    }

    /// What the sizer knows about one plan.
    public struct Estimate: Sendable, Equatable {
        /// Seeds per GPU second.
        public var seedsPerSecond: Double
        /// Survivors per seed.
        public var survivorsPerSeed: Double
        /// The largest dispatch measured.
        public var largestSeeds: UInt64
        public var measurements: Int
    }

    public var policy: Policy
    private var estimates: [PlanIdentity: Estimate] = [:]

    public init(policy: Policy = Policy()) {
        self.policy = policy
    }

    /// What the sizer has learnt about a plan, if it has measured it.
    public func estimate(for key: PlanIdentity) -> Estimate? {
        estimates[key]
    }

    /// The seeds of the next dispatch of plan `key`, when `remaining` seeds of the call are left
    /// and the record buffer holds `capacity` records: ``preferredSeeds(for:capacity:)`` cut by the
    /// executor's split rule (``SieveExecutor/chunkSeeds(remaining:preferred:maximum:)``).
    public func nextDispatch(for key: PlanIdentity, remaining: UInt128, capacity: Int) -> UInt64 {
        SieveExecutor.chunkSeeds(remaining: remaining, preferred: preferredSeeds(for: key, capacity: capacity),
                                 maximum: policy.maximumSeeds)
    }

    /// The seeds a dispatch of plan `key` should have, with `capacity` records: the measured rate
    /// times the target, grown at most ``Policy/maxGrowth`` times, its expected survivors within
    /// the buffer's share, whole threadgroups, within ``Policy/minimumSeeds`` ... ``Policy/maximumSeeds``.
    public func preferredSeeds(for key: PlanIdentity, capacity: Int) -> UInt64 {
        let p = policy
        var size: Double
        if let e = estimates[key] {
            size = e.seedsPerSecond * p.targetSeconds
            size = min(size, Double(e.largestSeeds) * p.maxGrowth)
            if e.survivorsPerSeed > 0 {
                size = min(size, Double(capacity) * p.capacityShare / e.survivorsPerSeed)
            }
        } else {
            size = Double(p.initialSeeds)
        }
        size = min(max(size, Double(p.minimumSeeds)), Double(p.maximumSeeds))
        var seeds = UInt64(size)
        if seeds > p.granularity {
            seeds -= seeds % p.granularity
        }
        return max(seeds, 1)
    }

    /// Learns from a dispatch of plan `key`: `seeds` seeds ran in `seconds` of GPU time and left
    /// `survivors` records (counted past the buffer's capacity).
    public mutating func record(for key: PlanIdentity, seeds: UInt64, seconds: Double, survivors: UInt64) {
        guard seeds > 0 else { return }
        let rate = Double(seeds) / max(seconds, 1e-6)
        let density = Double(survivors) / Double(seeds)
        if var e = estimates[key] {
            // Slower than expected: believe it at once (the watchdog does not forgive). Faster:
            // weigh it by its size, as a large dispatch says more than a small one.
            let weight = Double(seeds) / Double(seeds + e.largestSeeds)
            e.seedsPerSecond = rate < e.seedsPerSecond ? rate : 1 / ((1 - weight) / e.seedsPerSecond + weight / rate)
            e.survivorsPerSeed = (1 - weight) * e.survivorsPerSeed + weight * density
            e.largestSeeds = max(e.largestSeeds, seeds)
            e.measurements += 1
            estimates[key] = e
        } else {
            estimates[key] = Estimate(seedsPerSecond: rate, survivorsPerSeed: density, largestSeeds: seeds, measurements: 1)
        }
    }
}
