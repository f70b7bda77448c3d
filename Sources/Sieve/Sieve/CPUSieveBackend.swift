import Synchronization
import _SieveKernelsCPU

/// Runs sieve plans on every CPU core, with the kernel bodies of `Shaders/`.
///
/// By default the bodies run as vector lanes (several seeds per instruction). ``Execution/perThread``
/// runs the very kernels Metal runs, one seed per call, as the Metal emulation does.
///
/// ```swift
/// let survivors = try CPUSieveBackend().survivors(of: plan, seeds: SeedRange(first: 0, last: 999_999))
/// ```
public struct CPUSieveBackend: SieveBackend {
    public enum Execution: String, Sendable, CaseIterable {
        case vectorLanes, perThread
    }

    /// An instruction-set variant of the vector-lane bodies.
    public struct InstructionSet: Sendable, Hashable, CustomStringConvertible {
        let index: UInt32
        public var name: String { String(cString: sieve_cpu_isa_name(index)) }
        /// Seeds per lane group.
        public var laneWidth: Int { Int(sieve_cpu_isa_lane_width(index)) }
        public var description: String { name }

        /// The variants this CPU can run, narrowest first.
        public static var supported: [InstructionSet] {
            (0..<sieve_cpu_isa_count()).filter { sieve_cpu_isa_supported($0) }.map(InstructionSet.init)
        }
        /// The widest variant this CPU can run.
        public static var best: InstructionSet { InstructionSet(index: sieve_cpu_isa_best()) }
    }

    public var name: String { "cpu" }
    public var execution: Execution
    /// The vector-lane variant; the widest this CPU supports by default.
    public var instructionSet: InstructionSet
    /// The kernel body; `nil` takes the plan's (strided for jump families, streamed otherwise).
    public var strategy: SievePlan.Strategy?
    /// Records one dispatch holds before its chunk is re-run in smaller pieces.
    public var capacity: Int
    public var threads: Int
    /// Whether low-bit class pruning may skip seeds (``SievePlan/LowBitClasses``); exact either way.
    public var pruneLowBitClasses: Bool

    public init(execution: Execution = .vectorLanes, strategy: SievePlan.Strategy? = nil, capacity: Int = 1 << 16,
                threads: Int = CPUKernel.defaultThreadCount, instructionSet: InstructionSet = .best,
                pruneLowBitClasses: Bool = true) {
        precondition(capacity >= 1 && capacity <= Int(UInt32.max))
        self.pruneLowBitClasses = pruneLowBitClasses
        self.instructionSet = instructionSet
        self.execution = execution
        self.strategy = strategy
        self.capacity = capacity
        self.threads = threads
    }

    public func survivors(of plan: SievePlan, seeds: SeedRange) throws -> [SurvivorRecord] {
        let strategy = self.strategy ?? plan.strategy
        precondition(strategy == .streamed || plan.parameters.prng.family.hasJumpAhead,
                     "the strided body needs a family with jump-ahead")
        var survivors: [SurvivorRecord] = []
        if let (classes, alive) = try classesToSieve(plan, seeds: seeds) {
            try runClasses(plan, strategy, alive, period: UInt64(1) << UInt64(classes.classBits),
                           first: seeds.first, last: seeds.last, into: &survivors)
            survivors.sort()
            return survivors
        }
        // Pieces of at most 2^30 seeds keep grid positions within 32 bits.
        var first = seeds.first
        while true {
            let last = seeds.last - first < (1 << 30) ? seeds.last : first + (1 << 30) - 1
            try run(plan, strategy, first, UInt64(last - first) + 1, into: &survivors)
            if last == seeds.last { break }
            first = last + 1
        }
        survivors.sort()
        return survivors
    }

    /// Whether sieving `seeds` skips the low-bit classes that cannot pass: when the plan has such
    /// classes, the range covers them all, and few enough live to pay (half of a few thousand
    /// classes, each a long strided run; a sixteenth of more, whose runs are short).
    public func prunes(_ plan: SievePlan, seeds: SeedRange) throws -> Bool {
        try classesToSieve(plan, seeds: seeds) != nil
    }

    /// The plan's low-bit classes and those still alive, when pruning applies to `seeds`.
    private func classesToSieve(_ plan: SievePlan, seeds: SeedRange) throws -> (SievePlan.LowBitClasses, [UInt64])? {
        guard pruneLowBitClasses, let classes = plan.lowBitClasses,
              seeds.count >= UInt128(1) << UInt128(classes.classBits),
              let alive = try livingClasses(of: plan, classes)
        else { return nil }
        let period = 1 << classes.classBits
        return alive.count * (period >= 4096 ? 16 : 2) <= period ? (classes, alive) : nil
    }

    /// How many of the plan's low-bit classes can still pass, or `nil` when the plan has none.
    public func livingClassCount(of plan: SievePlan) throws -> Int? {
        guard let classes = plan.lowBitClasses else { return nil }
        return try livingClasses(of: plan, classes)?.count
    }

    /// The low-bit classes that can still pass (sorted), sieved once per plan and cached.
    private func livingClasses(of plan: SievePlan, _ classes: SievePlan.LowBitClasses) throws -> [UInt64]? {
        let key = "\(classes.classBits) " + plan.fingerprint
        if let cached = Self.classCache.withLock({ $0[key] }) { return cached }
        var reduced = self
        reduced.pruneLowBitClasses = false
        let classPlan = plan.classPlan(classes)
        let records = try reduced.survivors(of: classPlan, seeds: SeedRange(first: 0, last: (UInt64(1) << UInt64(classes.classBits)) - 1))
        let alive = records.map(\.seed)
        Self.classCache.withLock { cache in
            if cache.count > 64 { cache.removeAll() }
            cache[key] = alive
        }
        return alive
    }

    private static let classCache = Mutex<[String: [UInt64]]>([:])

    /// Runs the seeds of [first, last] in the given low-bit classes, one strided dispatch per class.
    private func runClasses(_ plan: SievePlan, _ strategy: SievePlan.Strategy, _ classes: [UInt64], period: UInt64,
                            first: UInt64, last: UInt64, into survivors: inout [SurvivorRecord]) throws {
        var pieces: [(first: UInt64, count: UInt64)] = []
        for c in classes {
            let offset = (c &- first) & (period - 1)
            guard last - first >= offset else { continue }
            let start = first + offset
            pieces.append((start, (last - start) / period + 1))
        }
        for piece in pieces {
            // Pieces of at most 2^30 seeds keep grid positions within 32 bits.
            var start = piece.first
            var left = piece.count
            while left > 0 {
                let count = min(left, 1 << 30)
                try run(plan, strategy, start, count, stride: period, into: &survivors)
                left -= count
                start &+= count &* period
            }
        }
    }

    /// Runs `count` seeds; if the records overflow the buffer, runs the halves instead.
    private func run(_ plan: SievePlan, _ strategy: SievePlan.Strategy, _ first: UInt64, _ count: UInt64,
                     stride: UInt64 = 1, into survivors: inout [SurvivorRecord]) throws {
        let capacity = UInt32(min(UInt64(capacity), count))
        var args = plan.kernelArgs(firstSeed: first, count: count, capacity: capacity)
        args.seed_stride = stride
        var draws = plan.draws
        if draws.isEmpty { draws = [0] }
        var counter: UInt32 = 0
        var records = [SieveRecord](repeating: SieveRecord(), count: Int(capacity))
        let kernelName: KernelName = strategy == .strided ? .sieveStrided : .sieveStreamed
        let kernel = try CPUKernel(kernelName)
        withUnsafeMutableBytes(of: &args) { argsBytes in
            draws.withUnsafeMutableBytes { drawBytes in
                withUnsafeMutableBytes(of: &counter) { counterBytes in
                    records.withUnsafeMutableBytes { recordBytes in
                        let buffers = [argsBytes.baseAddress!, drawBytes.baseAddress!, counterBytes.baseAddress!,
                                       recordBytes.baseAddress!]
                        switch execution {
                        case .perThread:
                            kernel.dispatch(gridSize: Int(count), buffers: buffers, threads: threads)
                        case .vectorLanes:
                            let isa = instructionSet.index
                            let code = strategy == .strided ? SIEVE_CPU_STRIDED : SIEVE_CPU_STREAMED
                            let width = UInt64(sieve_cpu_group_width(
                                isa, code.rawValue, argsBytes.baseAddress!.assumingMemoryBound(to: SieveArgs.self)))
                            let groups = (count + width - 1) / width
                            let shared = SendableBuffers(pointers: buffers)
                            CPUGrid.forEachChunk(gridSize: Int(groups), threads: threads) { range in
                                sieve_cpu_sieve_lanes(
                                    isa, code.rawValue,
                                    shared.pointers[0].assumingMemoryBound(to: SieveArgs.self),
                                    shared.pointers[1].assumingMemoryBound(to: UInt32.self),
                                    shared.pointers[2].assumingMemoryBound(to: UInt32.self),
                                    shared.pointers[3].assumingMemoryBound(to: SieveRecord.self),
                                    UInt64(range.lowerBound), UInt64(range.upperBound))
                            }
                        }
                    }
                }
            }
        }
        if counter > capacity {
            // Overflow: the records are incomplete. Re-run the halves, each with a full buffer.
            let half = count / 2
            try run(plan, strategy, first, half, stride: stride, into: &survivors)
            try run(plan, strategy, first + half * stride, count - half, stride: stride, into: &survivors)
            return
        }
        survivors += records[0..<Int(counter)].map(SurvivorRecord.init)
    }
}
