import _SieveKernelsCPU

/// A sieve ready to run: the parameters checked against a history, the windows cut, the thresholds
/// turned into match counts, and the kernel arguments prepared.
///
/// The plan is what every backend and the oracle run, and what chance expectations are computed
/// for.
public struct SievePlan: Sendable {
    /// Which kernel body the plan runs (Shaders/SieveBody.h).
    public enum Strategy: String, Sendable {
        /// One jump per window and per draw: families with jump-ahead.
        case strided
        /// One pass over each seed's stream: every family.
        case streamed
    }

    public private(set) var parameters: SieveParameters
    /// The forward window's draws, oldest first.
    public private(set) var forwardDraws: [UInt32]
    /// The reverse window's draws in the order the kernel compares them: oldest first in the
    /// standard semantics, the forward window backwards in reference mode. Empty without a reverse test.
    public private(set) var reverseDraws: [UInt32]
    /// The least forward matches that pass: ⌈τ·k⌉, or the reference's float32 rule.
    public let forwardMinimum: Int
    /// The least reverse matches that pass, when a reverse test runs.
    public let reverseMinimum: Int?
    public let strategy: Strategy
    /// Stream positions of draw i of each window: c0 + (c1 + i)(s + 1).
    public let forwardPositions: (c0: UInt64, c1: UInt64)
    public let reversePositions: (c0: UInt64, c1: UInt64)
    /// The outputs a seed's stream must reach: 1-based positions first ... last.
    public let streamRange: ClosedRange<UInt64>

    /// Checks `parameters` against the history's residues and prepares the sieve.
    ///
    /// - Throws: ``InputError`` for a window that does not fit, a skip range the kernels cannot
    ///   take, a threshold that no count can meet, or a modulus outside 2 ... 2^32.
    public init(parameters: SieveParameters, residues: [UInt32], source: String = "the history") throws(InputError) {
        let p = parameters
        let n = residues.count
        guard (2...(UInt64(1) << 32)).contains(p.modulus) else {
            throw InputError(.invalidOption, source: "--modulus", problem: "modulus \(p.modulus) is outside 2 ... 2^32",
                             fix: "give a modulus from 2 to 4294967296")
        }
        guard p.window >= 1 else {
            throw InputError(.windowDoesNotFit, source: "--window", problem: "a window of \(p.window) draws",
                             fix: "give a window of at least 1 draw")
        }
        guard p.window <= n else {
            throw InputError(
                .windowDoesNotFit, source: "--window", problem: "a window of \(p.window) draws does not fit \(source)'s \(n) draws",
                fix: "give a window from 1 to \(n) draws")
        }
        // Checked without overflow: offset + window ≤ n.
        guard p.offset >= 0, p.offset <= n - p.window else {
            throw InputError(
                .windowDoesNotFit, source: "--offset",
                problem: "the window of \(p.window) draws at offset \(p.offset) does not fit \(source)'s \(n) draws",
                fix: "give an offset from 0 to \(n - p.window), or a smaller window")
        }
        guard p.skips.count <= SIEVE_MAX_SKIPS_PER_PASS else {
            throw InputError(
                .invalidSkipRange, source: "--skip",
                problem: "\(p.skips.count) skips in one sieve (at most \(SIEVE_MAX_SKIPS_PER_PASS))",
                fix: "split the skip range into parts of at most \(SIEVE_MAX_SKIPS_PER_PASS) values")
        }
        if p.reverseWindow != nil && !p.hasReverse {
            throw InputError(.invalidOption, source: "--reverse-window", problem: "given without a reverse threshold",
                             fix: "add --reverse-threshold or --reverse-min-matches, or drop --reverse-window")
        }
        let forward = Array(residues[p.offset..<(p.offset + p.window)])
        var reverse: [UInt32] = []
        let b = p.burn
        let forwardPositions: (c0: UInt64, c1: UInt64)
        var reversePositions: (c0: UInt64, c1: UInt64) = (0, 0)
        if p.referenceMode {
            if let kr = p.reverseWindow, kr != p.window {
                throw InputError(.invalidOption, source: "--reverse-window",
                                 problem: "reference mode reads the forward window backwards, so it has k = \(p.window) draws",
                                 fix: "drop --reverse-window in reference mode")
            }
            let (start, overflow) = b.addingReportingOverflow(UInt64(p.offset))
            guard !overflow else { throw Self.burnOverflow(burn: b, reach: UInt64(p.offset)) }
            forwardPositions = (start, 1)
            if p.hasReverse {
                reverse = forward.reversed()
                reversePositions = forwardPositions
            }
        } else {
            forwardPositions = (b, UInt64(p.offset) + 1)
            if p.hasReverse {
                let kr = p.reverseWindow ?? p.window
                guard kr >= 1 else {
                    throw InputError(.windowDoesNotFit, source: "--reverse-window", problem: "a reverse window of \(kr) draws",
                                     fix: "give a reverse window of at least 1 draw")
                }
                guard p.offset >= kr else {
                    throw InputError(
                        .windowDoesNotFit, source: "--reverse-window",
                        problem: "the reverse window of \(kr) draws needs \(kr) draws before offset \(p.offset)",
                        fix: "give an offset of at least \(kr), or a reverse window of at most \(p.offset) draws")
                }
                reverse = Array(residues[(p.offset - kr)..<p.offset])
                reversePositions = (b, UInt64(p.offset - kr) + 1)
            }
        }
        func minimum(_ threshold: Threshold, window: Int, option: String) throws(InputError) -> Int {
            let m = threshold.minimumMatches(window: window, referenceRule: p.referenceMode)
            guard (0...window).contains(m) else {
                throw InputError(.invalidThreshold, source: option, problem: "\(m) matches out of a \(window)-draw window",
                                 fix: "give a match count from 0 to \(window)")
            }
            return m
        }
        self.forwardMinimum = try minimum(p.forwardThreshold, window: p.window, option: "--threshold")
        if let threshold = p.reverseThreshold {
            self.reverseMinimum = try minimum(threshold, window: reverse.count, option: "--reverse-threshold")
        } else {
            self.reverseMinimum = nil
        }
        // The stream positions the windows reach, checked for overflow.
        func position(_ c: (c0: UInt64, c1: UInt64), _ i: Int, _ s: UInt32) -> UInt64? {
            let (index, o1) = c.c1.addingReportingOverflow(UInt64(i))
            let (scaled, o2) = index.multipliedReportingOverflow(by: UInt64(s) + 1)
            let (sum, o3) = c.c0.addingReportingOverflow(scaled)
            return o1 || o2 || o3 ? nil : sum
        }
        var first = UInt64.max
        var last: UInt64 = 0
        for (c, count) in [(forwardPositions, forward.count), (reversePositions, reverse.count)] where count > 0 {
            guard let low = position(c, 0, p.skips.lowerBound), let high = position(c, count - 1, p.skips.upperBound) else {
                // Without the burn-in the positions fit (offsets and windows are below 2^63, skips below 2^32).
                let reach = position((0, c.c1), count - 1, p.skips.upperBound) ?? .max
                throw Self.burnOverflow(burn: b, reach: reach)
            }
            first = min(first, low)
            last = max(last, high)
        }
        if !p.prng.family.hasJumpAhead && last > Self.maximumStreamSteps {
            // Every output up to the last position is one step of a serial chain, per seed.
            let option = b >= last / 2 ? "--burn" : (p.skips.upperBound > 0 ? "--skip" : "--offset")
            throw InputError(
                .invalidOption, source: option,
                problem: "each seed's stream would run to output \(last) of \(p.prng.family.name), which cannot jump ahead: "
                    + "about \(Self.duration(seconds: Double(last) / Self.assumedStepsPerSecondPerSeed)) per seed "
                    + "(at most 2^40 outputs a seed)",
                fix: option == "--burn"
                    ? "give a --burn below 2^40 (\(Self.maximumStreamSteps)), or a family with jump-ahead"
                    : "give a smaller \(option) or window, or a family with jump-ahead")
        }
        self.parameters = p
        self.forwardDraws = forward
        self.reverseDraws = reverse
        self.forwardPositions = forwardPositions
        self.reversePositions = reversePositions
        self.streamRange = first...last
        self.strategy = p.prng.family.hasJumpAhead ? .strided : .streamed
    }

    /// The longest stream one seed of a family without jump-ahead may need: 2^40 outputs, a
    /// quarter of an hour of one serial chain.
    public static let maximumStreamSteps: UInt64 = 1 << 40
    /// The most generator steps a whole run may cost: 2^55, weeks on this machine's cores.
    public static let maximumRunSteps: UInt128 = 1 << 55
    /// Serial steps a second of one seed's chain (conservative, for estimates in messages).
    static let assumedStepsPerSecondPerSeed = 1e9
    /// Steps a second of a whole run, every core and vector lane (generous, for estimates in messages).
    static let assumedStepsPerSecond = 8e9

    /// Refuses a run over `seedCount` seeds whose work cannot finish (more than
    /// ``maximumRunSteps`` generator steps), naming `option` and how long it would take.
    public func checkRunnable(seedCount: UInt128, option: String = "--seeds") throws(InputError) {
        let steps = seedCount.multipliedReportingOverflow(by: UInt128(estimatedStepsPerSeed))
        guard steps.overflow || steps.partialValue > Self.maximumRunSteps else { return }
        let seconds = steps.overflow ? Double.infinity : Double(steps.partialValue) / Self.assumedStepsPerSecond
        throw InputError(
            .invalidOption, source: option,
            problem: "\(seedCount) seeds at about \(estimatedStepsPerSeed) generator steps each would take about "
                + "\(Self.duration(seconds: seconds)) (at most 2^55 steps a run)",
            fix: "give fewer seeds (--seeds, or --shard i/n to split the range over machines)"
                + (strategy == .streamed ? ", or a smaller --burn, offset or skip range" : ""))
    }

    /// A duration for messages: "3 minutes", "5.2 hours", "41 years".
    static func duration(seconds: Double) -> String {
        guard seconds.isFinite else { return "forever" }
        let units: [(Double, String)] = [(31_557_600, "years"), (86_400, "days"), (3600, "hours"), (60, "minutes")]
        for (size, name) in units where seconds >= 2 * size {
            let value = seconds / size
            return value >= 100 ? "\(Int(value)) \(name)" : "\((value * 10).rounded() / 10) \(name)"
        }
        return "\(Int(seconds.rounded(.up))) seconds"
    }

    /// About how many single generator steps one seed costs: its seeding plus every output up to
    /// the last position for a family without jump-ahead; for one with, a jump (about 64 steps)
    /// per draw and skip. What dispatches are sized by and what ``checkRunnable(seedCount:)`` refuses.
    public var estimatedStepsPerSeed: UInt64 {
        switch strategy {
        case .streamed:
            return streamRange.upperBound.addingReportingOverflow(1024).overflow ? .max : streamRange.upperBound + 1024
        case .strided:
            return UInt64(forwardDraws.count + reverseDraws.count + 1) * UInt64(parameters.skips.count) * 64
        }
    }

    static func burnOverflow(burn: UInt64, reach: UInt64) -> InputError {
        InputError(.invalidOption, source: "--burn",
                   problem: "burn-in \(burn) puts the window's stream positions past 2^64 (the window reaches \(reach) outputs further)",
                   fix: "give a burn-in from 0 to \(UInt64.max - reach)")
    }

    /// Low-bit classes: for java_lcg and lcg32 mod 2^32 with an even M, an output's low T bits
    /// depend only on the seed's low B bits (B = 16 + T for java_lcg's 48-bit state read from bit
    /// 16, B = T for lcg32). A seed matches a draw only if its low T bits do, so sieving the 2^B
    /// classes with M' = 2^T finds every class that can still pass: the others need no look.
    public struct LowBitClasses: Sendable, Hashable {
        /// B: seeds agreeing mod 2^B agree on every output's low T bits.
        public let classBits: Int
        /// T: the output bits compared.
        public let residueBits: Int
    }

    public var lowBitClasses: LowBitClasses? {
        guard !parameters.referenceMode, parameters.modulus % 2 == 0 else { return nil }
        let twos = parameters.modulus.trailingZeroBitCount
        switch parameters.prng.family.id {
        case .java_lcg:
            let t = min(twos, 6)
            return LowBitClasses(classBits: 16 + t, residueBits: t)
        case .lcg32 where (parameters.prng[parameter: "m"] ?? 0) == 0:
            let t = min(twos, 20)
            return LowBitClasses(classBits: t, residueBits: t)
        default:
            return nil
        }
    }

    /// The plan that sieves low-bit classes: the same windows, skips and match counts, with draws
    /// and outputs compared mod 2^T.
    public func classPlan(_ classes: LowBitClasses) -> SievePlan {
        var plan = self
        let modulus = UInt64(1) << UInt64(classes.residueBits)
        plan.parameters.modulus = modulus
        plan.parameters.forwardThreshold = .matches(forwardMinimum)
        plan.parameters.reverseThreshold = reverseMinimum.map { .matches($0) }
        plan.forwardDraws = forwardDraws.map { UInt32(UInt64($0) % modulus) }
        plan.reverseDraws = reverseDraws.map { UInt32(UInt64($0) % modulus) }
        return plan
    }

    /// The class plan of one skip, with the reverse window tested on every seed or only where the
    /// forward one passes: what the class table sieves at each skip (``LowBitClassTable``) to learn
    /// where each window can pass.
    func classPlan(atSkip skip: UInt32, reverseEverywhere: Bool) -> SievePlan {
        var plan = self
        plan.parameters.skips = skip...skip
        if plan.parameters.hasReverse { plan.parameters.reverseScope = reverseEverywhere ? .fullRange : .forwardSurvivors }
        return plan
    }

    /// How the reverse window is tested, in the kernels' terms.
    var reverseMode: SieveReverseMode {
        guard parameters.hasReverse else { return SIEVE_REVERSE_NONE }
        if parameters.referenceMode { return SIEVE_REVERSE_REFERENCE }
        return parameters.reverseScope == .fullRange ? SIEVE_REVERSE_FULL : SIEVE_REVERSE_ON_FORWARD
    }

    /// The draws buffer: the forward window, then the reverse window.
    package var draws: [UInt32] { forwardDraws + reverseDraws }

    /// The kernel arguments of `dispatch`, with room for `capacity` records: its seeds, or the
    /// positions of its table's pruned set (whose words ``kernelWords(pruning:)`` puts after the draws).
    package func kernelArgs(for dispatch: SieveDispatch, capacity: UInt32) -> SieveArgs {
        var a = kernelArgs(firstSeed: dispatch.firstSeed, count: dispatch.seedCount, capacity: capacity)
        a.seed_stride = dispatch.seedStride
        if let pruned = dispatch.pruned {
            let table = pruned.table
            precondition(table.skips == parameters.skips, "a class table of other skips")
            a.class_count = UInt32(table.living.count)
            a.class_bits = UInt32(table.classes.classBits)
            a.class_offset = UInt32(draws.count)
            a.mask_offset = UInt32(draws.count + table.living.count)
            a.mask_words = UInt32(table.maskWords)
            a.class_position = dispatch.firstSeed
            a.class_seed_min = pruned.keptSeeds.first
            a.class_seed_max = pruned.keptSeeds.last
        }
        return a
    }

    /// The words of the kernels' buffer 1 for a dispatch pruned by `pruning` (or not): the draws,
    /// then the table's living classes and skip masks; never empty.
    package func kernelWords(pruning: LowBitClassTable?) -> [UInt32] {
        var words = draws
        if let pruning { words += pruning.kernelWords }
        return words.isEmpty ? [0] : words
    }

    /// The kernel arguments for `count` seeds from `firstSeed`, with room for `capacity` records.
    package func kernelArgs(firstSeed: UInt64, count: UInt64, capacity: UInt32) -> SieveArgs {
        var a = SieveArgs()
        a.params = parameters.prng.kernelParams
        a.seed_first = firstSeed
        a.seed_count = count
        a.seed_stride = 1
        a.forward = SieveWindow(count: UInt32(forwardDraws.count), first_draw: 0, c0: forwardPositions.c0, c1: forwardPositions.c1)
        a.reverse = SieveWindow(count: UInt32(reverseDraws.count), first_draw: UInt32(forwardDraws.count),
                                c0: reversePositions.c0, c1: reversePositions.c1)
        a.stream_first = streamRange.lowerBound
        a.stream_last = streamRange.upperBound
        a.modulus = parameters.modulus
        if parameters.modulus == UInt64(1) << 32 {
            // x mod 2^32 = x: the divisibility test with inverse 1, no shift and limit 0 is x - r == 0.
            a.mod_is_2_32 = 1
            a.mod_inverse = 1
            a.mod_shift = 0
            a.mod_limit = 0
            // In 64 bits: M = 2^32 divides d exactly when rotr(d, 32) <= 2^32 - 1.
            a.mod_inverse64 = 1
            a.mod_shift64 = 32
            a.mod_limit64 = UInt64(UInt32.max)
        } else {
            let modulus = UInt32(parameters.modulus)
            let shift = UInt32(modulus.trailingZeroBitCount)
            let odd = modulus >> shift
            var inverse = odd  // Newton: each step doubles the correct low bits (3, 6, 12, 24, 48)
            for _ in 0..<4 { inverse = inverse &* (2 &- odd &* inverse) }
            a.mod_inverse = inverse
            a.mod_shift = shift
            a.mod_limit = UInt32.max / modulus
            var inverse64 = UInt64(odd)  // Newton, one more step for 64 bits (3, 6, 12, 24, 48, 96)
            for _ in 0..<5 { inverse64 = inverse64 &* (2 &- UInt64(odd) &* inverse64) }
            a.mod_inverse64 = inverse64
            a.mod_shift64 = shift
            a.mod_limit64 = UInt64.max / UInt64(modulus)
        }
        a.skip_min = parameters.skips.lowerBound
        a.skip_max = parameters.skips.upperBound
        a.forward_min = UInt32(forwardMinimum)
        a.reverse_min = UInt32(reverseMinimum ?? 0)
        a.reverse_mode = reverseMode.rawValue
        a.capacity = capacity
        return a
    }
}
