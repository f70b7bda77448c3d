/// Something that runs sieve plans: the CPU, or a Metal GPU.
public protocol SieveBackend: Sendable {
    /// A short name, recorded in outputs ("cpu", "metal").
    var name: String { get }

    /// The survivors among `seeds`, sorted by seed. Memory stays bounded by the survivors: callers
    /// hand over chunks of a sweep.
    func survivors(of plan: SievePlan, seeds: SeedRange) throws -> [SurvivorRecord]

    /// The survivors among `seeds`, stopping (``SieveCancelled``) within about a quarter of a
    /// second once `cancellation` is cancelled. A ``SieveDispatchBackend`` checks between its
    /// executor's dispatches; any other backend checks before it starts.
    func survivors(of plan: SievePlan, seeds: SeedRange, cancellation: Cancellation) throws -> [SurvivorRecord]

    /// The same, telling `meter` how far it got within `seeds` as it goes (a
    /// ``SieveDispatchBackend``: after each dispatch; any other backend: once, at the end).
    func survivors(of plan: SievePlan, seeds: SeedRange, cancellation: Cancellation, meter: SieveMeter?) throws -> [SurvivorRecord]
}

extension SieveBackend {
    public func survivors(of plan: SievePlan, seeds: SeedRange, cancellation: Cancellation) throws -> [SurvivorRecord] {
        try cancellation.check()
        return try survivors(of: plan, seeds: seeds)
    }

    public func survivors(of plan: SievePlan, seeds: SeedRange, cancellation: Cancellation, meter: SieveMeter?) throws -> [SurvivorRecord] {
        let records = try survivors(of: plan, seeds: seeds, cancellation: cancellation)
        meter?.advanced(done: seeds.count, of: seeds.count)
        return records
    }
}
