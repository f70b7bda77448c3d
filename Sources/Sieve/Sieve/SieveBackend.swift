/// Something that runs sieve plans: the CPU, or a Metal GPU.
public protocol SieveBackend: Sendable {
    /// A short name, recorded in outputs ("cpu", "metal").
    var name: String { get }

    /// The survivors among `seeds`, sorted by seed. Memory stays bounded by the survivors: callers
    /// hand over chunks of a sweep.
    func survivors(of plan: SievePlan, seeds: SeedRange) throws -> [SurvivorRecord]
}
