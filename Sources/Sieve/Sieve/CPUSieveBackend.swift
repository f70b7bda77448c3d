import _SieveKernelsCPU

/// Runs sieve plans on every CPU core, with the kernel bodies of `Shaders/`.
///
/// It executes the dispatches a ``SieveExecutor`` cuts (``survivors(of:seeds:)`` is the executor's).
/// By default the bodies run as vector lanes (several seeds per instruction). ``Execution/perThread``
/// runs the very kernels Metal runs, one seed per call, as the Metal emulation does.
///
/// ```swift
/// let survivors = try CPUSieveBackend().survivors(of: plan, seeds: SeedRange(first: 0, last: 999_999))
/// ```
public struct CPUSieveBackend: SieveDispatchBackend {
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
    /// Records one dispatch holds before the executor re-runs it in smaller pieces.
    public var capacity: Int
    public var threads: Int
    /// Whether low-bit class pruning may skip seeds (``SievePlan/LowBitClasses``); exact either way.
    public var pruneLowBitClasses: Bool
    /// Whether a plan that a ``CyclePass`` serves is sieved along xorshift32's cycle when that pays
    /// (vector lanes only); exact either way.
    public var takesCyclePass: Bool

    public init(execution: Execution = .vectorLanes, strategy: SievePlan.Strategy? = nil, capacity: Int = 1 << 16,
                threads: Int = CPUKernel.defaultThreadCount, instructionSet: InstructionSet = .best,
                pruneLowBitClasses: Bool = true, takesCyclePass: Bool = true) {
        precondition(capacity >= 1 && capacity <= Int(UInt32.max))
        self.takesCyclePass = takesCyclePass
        self.pruneLowBitClasses = pruneLowBitClasses
        self.instructionSet = instructionSet
        self.execution = execution
        self.strategy = strategy
        self.capacity = capacity
        self.threads = threads
    }

    public var recordCapacity: Int { capacity }

    public var cyclePassRunner: CyclePass.Runner? {
        takesCyclePass && execution == .vectorLanes ? CyclePass.Runner(threads: threads, instructionSet: instructionSet) : nil
    }

    /// The whole range at once (the executor cuts it at 2^30 seeds).
    public func preferredDispatchSeeds(for identity: PlanIdentity) -> UInt64 {
        SieveExecutor.maximumGridSeeds
    }

    /// Whether sieving `seeds` skips the low-bit classes that cannot pass (``SieveExecutor/pruning(for:seeds:)``).
    public func prunes(_ plan: SievePlan, seeds: SeedRange) throws -> Bool {
        try SieveExecutor(backend: self).pruning(for: plan, seeds: seeds) != nil
    }

    /// How many of the plan's low-bit classes can still pass, or `nil` when the plan has none.
    public func livingClassCount(of plan: SievePlan) throws -> Int? {
        try LowBitClassTable.table(for: plan, sievedBy: SieveExecutor(backend: self))?.living.count
    }

    /// Runs one dispatch on every core and reports its records and survivor count.
    public func execute(_ dispatch: SieveDispatch, of plan: SievePlan, identity: PlanIdentity) throws -> SieveDispatch.Outcome {
        let strategy = self.strategy ?? plan.strategy
        precondition(strategy == .streamed || plan.parameters.prng.family.hasJumpAhead,
                     "the strided body needs a family with jump-ahead")
        let count = dispatch.seedCount
        let capacity = UInt32(min(capacity, dispatch.capacity))
        var args = plan.kernelArgs(for: dispatch, capacity: capacity)
        var draws = plan.kernelWords(pruning: dispatch.pruned?.table)
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
        let kept = Int(min(counter, capacity))
        return SieveDispatch.Outcome(survivors: records[0..<kept].map(SurvivorRecord.init), survivorCount: UInt64(counter))
    }
}
