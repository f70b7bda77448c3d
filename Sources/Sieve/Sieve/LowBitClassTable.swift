import Synchronization

/// A plan's low-bit classes that can still pass (``SievePlan/LowBitClasses``), and at which skips:
/// sieved once per plan, by whichever backend first needs it, and shared by every chunk, thread
/// and backend in the process.
///
/// For each class c (a seed residue mod 2^B) and skip s, the table knows whether each window can
/// reach its threshold: the outputs' low T bits of every seed of the class are those of the class,
/// and a draw matches mod M only if it matches mod 2^T, so a window's count mod 2^T bounds its
/// count mod M. A class lives when some skip can pass (the forward window, or with the full reverse
/// scope either window). The pruned seed set (``seed(at:)``) holds, block of 2^B seeds after
/// block, the seeds of living classes, ordered by their skip masks so that the lanes of a vector
/// (or a GPU's SIMD group) count the same skips. The kernels sieve positions of it, keep the seeds
/// of the range in its partial first and last blocks, and count a window at a skip only where
/// the lane's class can pass there. All of it is exact: what they leave out stays below its
/// threshold, so the survivors and their records are the plain sweep's.
///
/// ```swift
/// let table = try LowBitClassTable.table(for: plan, sievedBy: SieveExecutor(backend: CPUSieveBackend()))
/// table?.living.count       // how many of the 2^B classes can pass
/// table?.livingPairs        // how many (class, skip) pairs can
/// ```
public struct LowBitClassTable: Sendable, Hashable {
    public let classes: SievePlan.LowBitClasses
    /// The classes (seed mod 2^B) that can still pass, in the pruned set's order: by their skip
    /// masks, then ascending.
    public let living: [UInt64]
    /// The skips of the plan, whose bits the masks hold (bit k: skip `skips.lowerBound + k`).
    public let skips: ClosedRange<UInt32>
    /// Words per window per class in ``skipMasks``: ⌈skips / 32⌉.
    public let maskWords: Int
    /// Per living class, 2·``maskWords`` words: the skips at which the forward window can pass, then
    /// those at which the reverse window can.
    public let skipMasks: [UInt32]

    /// 2^B: seeds of one class are this far apart.
    public var period: UInt64 { UInt64(1) << UInt64(classes.classBits) }

    /// (living class, skip) pairs at which some window can pass.
    public var livingPairs: Int {
        var pairs = 0
        for j in living.indices {
            let base = j * 2 * maskWords
            for w in 0..<maskWords {
                pairs += (skipMasks[base + w] | skipMasks[base + maskWords + w]).nonzeroBitCount
            }
        }
        return pairs
    }

    /// The fraction of the plain sweep's (seed, skip) pairs the pruned set still sieves.
    public var sievedFraction: Double {
        Double(livingPairs) / (Double(period) * Double(skips.count))
    }

    // MARK: - The pruned seed set

    /// The seed at `position` of the pruned set.
    public func seed(at position: UInt64) -> UInt64 {
        let n = UInt64(living.count)
        return (position / n) << UInt64(classes.classBits) | living[Int(position % n)]
    }

    /// The positions of the pruned set in the blocks of 2^B seeds that `seeds` touches: the seeds
    /// of living classes in `seeds`, and those of its partial first and last blocks outside it.
    public func positions(in seeds: SeedRange) -> (first: UInt64, count: UInt128) {
        let bits = UInt64(classes.classBits)
        let first = UInt128(seeds.first >> bits) * UInt128(living.count)
        let end = (UInt128(seeds.last >> bits) + 1) * UInt128(living.count)
        return (UInt64(first), end - first)
    }

    /// The words the kernels read after the draws (`Shaders/KernelArgs.h`, `SieveArgs`): the living
    /// classes, then their skip masks.
    public let kernelWords: [UInt32]

    init(classes: SievePlan.LowBitClasses, living: [UInt64], skips: ClosedRange<UInt32>, maskWords: Int, skipMasks: [UInt32]) {
        precondition(skipMasks.count == living.count * 2 * maskWords)
        self.classes = classes
        self.living = living
        self.skips = skips
        self.maskWords = maskWords
        self.skipMasks = skipMasks
        self.kernelWords = living.map { UInt32($0) } + skipMasks
    }

    // MARK: - Sieving the table

    /// The table of `plan`, or `nil` when the plan has no low-bit classes or pruning by them would
    /// leave more than half of the (seed, skip) pairs (``sievedFraction``). Taken from the cache, or
    /// sieved by `executor` (without pruning: for each skip, the plan of the classes at that skip
    /// with the reverse window tested everywhere, over seeds 0 ..< 2^B, on every core the backend
    /// has) and cached, either way, under the identity of the class plan.
    public static func table(for plan: SievePlan, sievedBy executor: SieveExecutor) throws -> LowBitClassTable? {
        guard let classes = plan.lowBitClasses else { return nil }
        let classPlan = plan.classPlan(classes)
        let key = classPlan.identity
        if let cached = cache.withLock({ $0[key] }) { return cached }
        let table = try sieve(classPlan, classes: classes, scope: plan.parameters.reverseScope, executor: executor)
        cache.withLock { cache in
            if cache.count >= 64 { cache.removeAll() }
            cache[key] = .some(table)
        }
        return table
    }

    /// Forgets every table sieved so far, so that the next sieve of each plan builds its table
    /// again, as a new process would: a soak's iterations each measure what a user's run costs.
    public static func clearCache() {
        cache.withLock { $0.removeAll() }
    }

    /// Whether the table of `plan` has been sieved, and then the table (`nil` when pruning by it
    /// does not pay).
    public static func cached(for plan: SievePlan) -> LowBitClassTable?? {
        guard let classes = plan.lowBitClasses else { return nil }
        let key = plan.classPlan(classes).identity
        return cache.withLock { $0[key] }
    }

    /// Sieves the table, or gives up (`nil`) as soon as it cannot leave out half the pairs, or
    /// when the first 4 skips leave out less than half (a speed decision only: the plain sweep's
    /// survivors are the same).
    private static func sieve(_ classPlan: SievePlan, classes: SievePlan.LowBitClasses, scope: SieveParameters.ReverseScope,
                              executor: SieveExecutor) throws -> LowBitClassTable? {
        var plain = executor
        plain.pruneLowBitClasses = false
        let skips = classPlan.parameters.skips
        let words = (skips.count + 31) / 32
        let period = 1 << classes.classBits
        let seeds = SeedRange(first: 0, last: UInt64(period) - 1)
        let hasReverse = classPlan.parameters.hasReverse
        // Classes with any bit, each with 2·words mask words at `slot · 2·words` of `masks`
        // (slot -1: none yet); at most 2^22 classes, so the slot table stays small.
        var slots = [Int32](repeating: -1, count: period)
        var classesWithBits: [UInt64] = []
        var masks: [UInt32] = []
        var pairs = 0
        for (done, skip) in skips.enumerated() {
            let k = Int(skip - skips.lowerBound)
            let bit = UInt32(1) << UInt32(k % 32)
            for record in try plain.survivors(of: classPlan.classPlan(atSkip: skip, reverseEverywhere: scope == .fullRange), seeds: seeds) {
                let forward = record.passed.contains(.forward)
                // With the reverse window tested only where the forward one passes, only there do
                // its bits matter (and a single skip's bidirectional flag says both pass).
                let reverse = hasReverse && record.passed.contains(scope == .fullRange ? .reverse : .bidirectional)
                guard forward || reverse else { continue }
                var slot = Int(slots[Int(record.seed)])
                if slot < 0 {
                    slot = classesWithBits.count
                    slots[Int(record.seed)] = Int32(slot)
                    classesWithBits.append(record.seed)
                    masks += repeatElement(0, count: 2 * words)
                }
                if forward { masks[slot * 2 * words + k / 32] |= bit }
                if reverse { masks[slot * 2 * words + words + k / 32] |= bit }
                pairs += 1
            }
            if pairs * 2 > period * skips.count { return nil }
            if done + 1 == 4 && pairs * 2 > period * 4 { return nil }
        }
        // A class lives when its forward window can pass somewhere; with the full reverse scope
        // (which reports reverse-only survivors), also when only its reverse window can.
        func mask(_ c: UInt64) -> ArraySlice<UInt32> {
            let base = Int(slots[Int(c)]) * 2 * words
            return masks[base..<base + 2 * words]
        }
        let living = classesWithBits.filter { c in
            let m = mask(c)
            return m.prefix(words).contains { $0 != 0 } || (scope == .fullRange && m.suffix(words).contains { $0 != 0 })
        }.sorted { a, b in
            // Neighbours share skips: equal masks together, then by class.
            let (ma, mb) = (mask(a), mask(b))
            if ma != mb { return ma.lexicographicallyPrecedes(mb) }
            return a < b
        }
        var kept: [UInt32] = []
        kept.reserveCapacity(living.count * 2 * words)
        for c in living { kept += mask(c) }
        return LowBitClassTable(classes: classes, living: living, skips: skips, maskWords: words, skipMasks: kept)
    }

    private static let cache = Mutex<[PlanIdentity: LowBitClassTable?]>([:])
}
