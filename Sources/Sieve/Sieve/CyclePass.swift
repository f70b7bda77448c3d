import _SieveKernelsCPU
import Dispatch
import Synchronization

/// Every xorshift32 seed sieved at once, along the generator's one cycle (docs/performance.md,
/// "One cycle for every seed").
///
/// The 2^32 − 1 nonzero seeds lie on one cycle (``XorshiftCycle``): the seed at cycle index j reads
/// output p at index j + p. So one stream, the cycle itself, serves every seed: its states' residues
/// are turned into byte codes once, and a window's draw at a skip is compared for 64 neighbouring
/// seeds with one byte compare. A seed costs its windows' compares (skips × draws / 64 vector
/// operations), not the ≈ 11,000 serial steps of its own stream.
///
/// The pass only filters: it finds the seeds that pass some window at some skip (every survivor is
/// one), and the executor sieves exactly those with the backend's kernel, so the records are the
/// kernel's own, identical with and without the pass. Seed 0, not on the cycle, is sieved as usual.
///
/// ```swift
/// if let pass = CyclePass(plan: plan), pass.pays(for: seeds) {
///     let candidates = try pass.candidates(threads: 2)   // sorted nonzero seeds, a few
/// }
/// ```
public struct CyclePass: Sendable {
    public let cycle: XorshiftCycle
    let arguments: CyclePassArgs
    /// Per window, skip and draw: the stream position's distance from ``firstPosition``.
    let offsets: [UInt32]
    /// Per window and draw: its draw's code (1 + its index among the distinct draws).
    let ids: [UInt8]
    /// Per residue mod M: its code, 0 for residues that are no draw.
    let codeOfResidue: [UInt8]
    let modulus: UInt32
    /// The first stream position any window reads, and how far past it the last one lies.
    let firstPosition: UInt64
    let span: UInt64
    let stepsPerSeed: UInt64

    /// Cycle indices per block: a thread's unit of work (and of cancellation).
    static let blockLength: UInt32 = 1 << 18
    /// The most stream positions a block reads past its last index (the codes a thread keeps).
    static let maximumSpan: UInt64 = 1 << 22
    /// The most moduli the code table holds (one byte a residue).
    static let maximumModulus: UInt64 = 1 << 24
    /// Candidates past this many mean the windows pass too easily for the pass to pay: it is
    /// abandoned, and the seeds are sieved one by one.
    public static let candidateLimit = 1 << 16

    /// The pass for `plan`, or `nil` when the plan's family is not xorshift32 on one cycle, or its
    /// windows do not fit the pass (more than 255 draws, 255 distinct draws, a minimum of 0, a
    /// modulus past 2^24, or windows spread over more than 2^22 stream positions).
    public init?(plan: SievePlan) {
        let p = plan.parameters
        guard p.prng.family.id == .xorshift32,
              let cycle = XorshiftCycle(a: UInt32(p.prng[parameter: "a"] ?? 0), b: UInt32(p.prng[parameter: "b"] ?? 0),
                                        c: UInt32(p.prng[parameter: "c"] ?? 0)),
              p.modulus <= Self.maximumModulus
        else { return nil }
        let first = plan.streamRange.lowerBound
        let span = plan.streamRange.upperBound - first
        guard span <= Self.maximumSpan else { return nil }
        // The windows a survivor must pass one of: forward, and reverse where it is reported alone.
        var windows: [(draws: [UInt32], c: (c0: UInt64, c1: UInt64), minimum: Int)] =
            [(plan.forwardDraws, plan.forwardPositions, plan.forwardMinimum)]
        if p.hasReverse && (p.referenceMode || p.reverseScope == .fullRange), let minimum = plan.reverseMinimum {
            windows.append((plan.reverseDraws, plan.reversePositions, minimum))
        }
        guard windows.allSatisfy({ $0.draws.count <= 255 && $0.minimum >= 1 }) else { return nil }
        let distinct = Array(Set(windows.flatMap(\.draws))).sorted()
        guard distinct.count <= 255 else { return nil }
        var codeOfResidue = [UInt8](repeating: 0, count: Int(p.modulus))
        for (index, draw) in distinct.enumerated() { codeOfResidue[Int(draw)] = UInt8(index + 1) }
        var offsets: [UInt32] = []
        var ids: [UInt8] = []
        for window in windows {
            ids += window.draws.map { codeOfResidue[Int($0)] }
            for s in p.skips {
                for i in window.draws.indices {
                    offsets.append(UInt32(window.c.c0 + (window.c.c1 + UInt64(i)) * (UInt64(s) + 1) - first))
                }
            }
        }
        self.cycle = cycle
        self.arguments = CyclePassArgs(
            block_length: Self.blockLength, skip_count: UInt32(p.skips.count), forward_count: UInt32(windows[0].draws.count),
            forward_min: UInt32(windows[0].minimum), reverse_count: UInt32(windows.count > 1 ? windows[1].draws.count : 0),
            reverse_min: UInt32(windows.count > 1 ? windows[1].minimum : 0))
        self.offsets = offsets
        self.ids = ids
        self.codeOfResidue = codeOfResidue
        self.modulus = UInt32(p.modulus)
        self.firstPosition = first
        self.span = span
        self.stepsPerSeed = plan.estimatedStepsPerSeed
    }

    /// Whether sieving `seeds` along the whole cycle costs less than sieving them one by one: their
    /// streams' steps against the cycle's compares (a vector operation serves 64 compares and 16
    /// steps; a compare stops early less often than a stream), and only within 32-bit seeds.
    public func pays(for seeds: SeedRange) -> Bool {
        guard seeds.last <= UInt64(UInt32.max) else { return false }
        let streams = Double(seeds.count) * Double(stepsPerSeed) / 16
        let compares = Double(XorshiftCycle.length) * Double(offsets.count) / 64  // one compare an offset
        return streams > 2 * compares
    }

    /// The nonzero seeds that pass some window at some skip, sorted, or `nil` when there are more
    /// than ``candidateLimit`` of them. Runs on `threads` threads in blocks of 2^18 cycle indices,
    /// checking `cancellation` before each.
    ///
    /// - Throws: ``SieveCancelled`` when `cancellation` fires.
    public func candidates(threads: Int, instructionSet: CPUSieveBackend.InstructionSet = .best,
                           cancellation: Cancellation = .never, meter: SieveMeter? = nil) throws -> [UInt64]? {
        let blocks = Int((XorshiftCycle.length + UInt64(Self.blockLength) - 1) / UInt64(Self.blockLength))
        let shared = Progress()
        let work: @Sendable () -> Void = {
            var codes = [UInt8](repeating: 0, count: Int(UInt64(Self.blockLength) + span + 64))
            var indices = [UInt32](repeating: 0, count: Self.candidateLimit + 1)
            while !cancellation.isCancelled && !shared.abandoned.load(ordering: .relaxed) {
                let block = shared.next.add(1, ordering: .relaxed).oldValue
                guard block < blocks else { break }
                let start = UInt64(block) * UInt64(Self.blockLength)
                let length = UInt32(min(UInt64(Self.blockLength), XorshiftCycle.length - start))
                let hits = self.block(at: start, length: length, instructionSet: instructionSet, codes: &codes, found: &indices)
                if hits > Self.candidateLimit {
                    shared.abandoned.store(true, ordering: .relaxed)
                    break
                }
                if hits > 0 {
                    let seeds = indices[0..<hits].map { UInt64(cycle.state(at: start + UInt64($0))) }
                    let total = shared.found.withLock { list in
                        list += seeds
                        return list.count
                    }
                    if total > Self.candidateLimit { shared.abandoned.store(true, ordering: .relaxed) }
                }
                shared.done.add(1, ordering: .relaxed)
            }
        }
        // The workers run apart; this thread only waits, and tells the meter, so that the caller
        // hears of progress on its own thread.
        let group = DispatchGroup()
        for _ in 0..<max(1, threads) { DispatchQueue.global().async(group: group, execute: work) }
        while group.wait(timeout: .now() + .milliseconds(250)) == .timedOut {
            meter?.advanced(done: UInt128(shared.done.load(ordering: .relaxed)), of: UInt128(blocks))
        }
        try cancellation.check()
        if shared.abandoned.load(ordering: .relaxed) { return nil }
        return shared.found.withLock { $0 }.sorted()
    }

    /// What the workers of one pass share.
    private final class Progress: Sendable {
        let next = Atomic<Int>(0)
        let done = Atomic<Int>(0)
        let abandoned = Atomic<Bool>(false)
        let found = Mutex<[UInt64]>([])
    }

    /// The candidates among cycle indices `start ..< start + length`, as offsets from `start`, in
    /// `found`; returns how many there are (possibly more than `found` holds).
    func block(at start: UInt64, length: UInt32, instructionSet: CPUSieveBackend.InstructionSet,
               codes: inout [UInt8], found: inout [UInt32]) -> Int {
        precondition(length <= Self.blockLength && UInt64(codes.count) >= UInt64(length) + span + 64)
        // The codes of cycle indices start + first ... start + length - 1 + last (+ 64 read past).
        let count = UInt32(UInt64(length) + span + 64)
        let chains = UInt32(SIEVE_CYCLE_CHAINS)
        let part = (UInt64(count) + UInt64(chains) - 1) / UInt64(chains)
        let origin = start + firstPosition
        let states = (0..<UInt64(chains)).map { cycle.state(at: origin + $0 * part) }
        var arguments = self.arguments
        arguments.block_length = length
        let hits = codes.withUnsafeMutableBufferPointer { codes in
            states.withUnsafeBufferPointer { states in
                codeOfResidue.withUnsafeBufferPointer { table in
                    sieve_cpu_cycle_codes(cycle.a, cycle.b, cycle.c, states.baseAddress, chains, count, modulus,
                                          table.baseAddress, codes.baseAddress)
                }
            }
            return offsets.withUnsafeBufferPointer { offsets in
                ids.withUnsafeBufferPointer { ids in
                    found.withUnsafeMutableBufferPointer { found in
                        sieve_cpu_cycle_block(instructionSet.index, &arguments, offsets.baseAddress, ids.baseAddress,
                                              codes.baseAddress, found.baseAddress, UInt32(found.count))
                    }
                }
            }
        }
        return Int(hits)
    }

    /// Where a pass runs: a CPU backend's threads and vector variant.
    public struct Runner: Sendable {
        public var threads: Int
        public var instructionSet: CPUSieveBackend.InstructionSet

        public init(threads: Int, instructionSet: CPUSieveBackend.InstructionSet = .best) {
            self.threads = threads
            self.instructionSet = instructionSet
        }
    }

    /// The index of the first of the sorted `seeds` that is at least `seed` (the end when none is).
    static func firstIndex(in seeds: [UInt64], notBelow seed: UInt64) -> Int {
        var (low, high) = (0, seeds.count)
        while low < high {
            let middle = (low + high) / 2
            if seeds[middle] < seed { low = middle + 1 } else { high = middle }
        }
        return low
    }

    // MARK: - Cache

    /// The candidates of each plan's pass, once computed (`nil`: abandoned), so that every chunk of
    /// a sweep finds them.
    private static let cache = Mutex<[PlanIdentity: [UInt64]?]>([:])

    static func cached(for identity: PlanIdentity) -> [UInt64]?? { cache.withLock { $0[identity] } }

    static func store(_ candidates: [UInt64]?, for identity: PlanIdentity) {
        cache.withLock { cache in
            if cache.count >= 16 { cache.removeAll() }
            cache[identity] = candidates
        }
    }
}
