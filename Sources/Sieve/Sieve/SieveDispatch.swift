/// One dispatch a ``SieveExecutor`` hands a backend: the seeds `firstSeed + k·seedStride` for
/// k in 0 ..< `seedCount`, or of a ``PrunedSet`` (``pruned``) the seeds at positions
/// `firstSeed + k` of its class table's pruned seed set; and room for `capacity` survivor records.
///
/// The kernels take both (`seed_stride` and `class_count` in `Shaders/KernelArgs.h`).
public struct SieveDispatch: Sendable, Hashable, CustomStringConvertible {
    /// The dispatch's index among its call's top-level dispatches (0-based); overflow re-runs keep
    /// the index of the dispatch they split.
    public var index: Int
    public var firstSeed: UInt64
    public var seedCount: UInt64
    public var seedStride: UInt64
    /// Records the backend keeps (its counter counts past them).
    public var capacity: Int
    /// How deep in overflow re-runs it is (0 for a dispatch as first cut).
    public var resplitDepth: Int
    /// The pruned seed set whose positions ``firstSeed`` and ``seedCount`` index (stride 1), or
    /// `nil` for plain seeds.
    public var pruned: PrunedSet?

    /// The seeds of a class table's pruned set that a run sieves.
    public struct PrunedSet: Sendable, Hashable {
        /// The table whose living classes make the set.
        public var table: LowBitClassTable
        /// The seeds the run keeps: the first and last blocks of its positions hold seeds outside
        /// them, which are not counted.
        public var keptSeeds: SeedRange

        public init(table: LowBitClassTable, keptSeeds: SeedRange) {
            self.table = table
            self.keptSeeds = keptSeeds
        }
    }

    public init(index: Int, firstSeed: UInt64, seedCount: UInt64, seedStride: UInt64 = 1, capacity: Int,
                resplitDepth: Int = 0, pruned: PrunedSet? = nil) {
        precondition(seedCount >= 1 && seedStride >= 1 && capacity >= 1)
        precondition(pruned == nil || seedStride == 1, "a pruned dispatch indexes its set with stride 1")
        self.index = index
        self.firstSeed = firstSeed
        self.seedCount = seedCount
        self.seedStride = seedStride
        self.capacity = capacity
        self.resplitDepth = resplitDepth
        self.pruned = pruned
    }

    /// The last seed the dispatch sieves (of a pruned one: the seed at its last position).
    public var lastSeed: UInt64 {
        if let pruned { return pruned.table.seed(at: firstSeed + seedCount - 1) }
        return firstSeed + (seedCount - 1) * seedStride
    }

    /// The seed the dispatch sieves first (of a pruned one: the seed at its first position).
    public var leadingSeed: UInt64 { pruned?.table.seed(at: firstSeed) ?? firstSeed }

    public var description: String {
        let seeds = if let pruned {
            "pruned-set positions \(firstSeed)...\(firstSeed + seedCount - 1) within seeds \(pruned.keptSeeds)"
        } else if seedStride == 1 {
            "seeds \(firstSeed)...\(lastSeed)"
        } else {
            "seeds \(firstSeed) + k·\(seedStride) for k < \(seedCount)"
        }
        return "dispatch \(index) (\(seeds), capacity \(capacity)\(resplitDepth > 0 ? ", re-split depth \(resplitDepth)" : ""))"
    }

    /// What a backend reports for a dispatch.
    public struct Outcome: Sendable {
        /// The records the backend kept: every survivor unless ``overflowed``.
        public var survivors: [SurvivorRecord]
        /// How many seeds survived, counted past the capacity.
        public var survivorCount: UInt64

        public init(survivors: [SurvivorRecord], survivorCount: UInt64) {
            self.survivors = survivors
            self.survivorCount = survivorCount
        }

        /// Whether the survivors overflowed the records: the records are incomplete and the
        /// dispatch must be run again in smaller pieces.
        public var overflowed: Bool { survivorCount > UInt64(survivors.count) }
    }
}
