import Synchronization

/// A plan's low-bit classes that can still pass (``SievePlan/LowBitClasses``): sieved once per plan,
/// by whichever backend first needs it, and shared by every backend in the process.
///
/// The table is exact: a seed outside the living classes fails the plan on every backend, so
/// sieving only the living classes (``SieveExecutor``) gives the plain sweep's survivors.
///
/// ```swift
/// let table = try LowBitClassTable.table(for: plan, sievedBy: SieveExecutor(backend: CPUSieveBackend()))
/// table?.living.count       // how many of the 2^B classes can pass
/// ```
public struct LowBitClassTable: Sendable, Equatable {
    public let classes: SievePlan.LowBitClasses
    /// The classes (seed mod 2^B) that can still pass, ascending.
    public let living: [UInt64]

    /// 2^B: seeds of one class are this far apart.
    public var period: UInt64 { UInt64(1) << UInt64(classes.classBits) }

    /// The table of `plan`, or `nil` when the plan has no low-bit classes. Taken from the cache, or
    /// sieved by `executor` (without pruning: the plan of the classes, over seeds 0 ..< 2^B) and
    /// cached under the identity of that class plan.
    public static func table(for plan: SievePlan, sievedBy executor: SieveExecutor) throws -> LowBitClassTable? {
        guard let classes = plan.lowBitClasses else { return nil }
        let classPlan = plan.classPlan(classes)
        let key = classPlan.identity
        if let cached = cache.withLock({ $0[key] }) { return cached }
        var plain = executor
        plain.pruneLowBitClasses = false
        let seeds = SeedRange(first: 0, last: (UInt64(1) << UInt64(classes.classBits)) - 1)
        let table = LowBitClassTable(classes: classes, living: try plain.survivors(of: classPlan, seeds: seeds).map(\.seed))
        cache.withLock { cache in
            if cache.count >= 64 { cache.removeAll() }
            cache[key] = table
        }
        return table
    }

    /// The cached table of `plan`, if it has been sieved.
    public static func cached(for plan: SievePlan) -> LowBitClassTable? {
        guard let classes = plan.lowBitClasses else { return nil }
        let key = plan.classPlan(classes).identity
        return cache.withLock { $0[key] }
    }

    private static let cache = Mutex<[PlanIdentity: LowBitClassTable]>([:])
}
