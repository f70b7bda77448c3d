/// `cycles/NNNNNN/canary.json`: what the cycle's canary planted, where it looked, and whether the
/// backend found it (docs/operations.md §2).
public struct CanaryResult: Sendable, Equatable, Codable {
    public var cycle: Int
    /// The canary's sieved seeds (inclusive).
    public var first: UInt64
    public var last: UInt64
    public var plantedSeed: UInt64
    public var plantedSkip: Int
    /// The fraction of the planted history's draws replaced by noise.
    public var noise: Double
    /// `inside` (the planted seed is in the sieved range), or `beyond_range` (a test's forced miss).
    public var placement: String
    /// 1 when the planted seed survived bidirectionally at the planted skip, else 0.
    public var recall: Int

    public init(cycle: Int, first: UInt64, last: UInt64, plantedSeed: UInt64, plantedSkip: Int, noise: Double,
                placement: String, recall: Int) {
        self.cycle = cycle
        self.first = first
        self.last = last
        self.plantedSeed = plantedSeed
        self.plantedSkip = plantedSkip
        self.noise = noise
        self.placement = placement
        self.recall = recall
    }
}
