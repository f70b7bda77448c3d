import _OptimizeSupport

/// `cycles/NNNNNN.json`, and the cycle's line in `history.jsonl`: one finished cycle's KPIs
/// (docs/operations.md §2), written exactly once.
///
/// Times (`seconds`, `seeds_per_second`, `cost_per_2_32_seeds_s`, `finished`) describe the
/// process that finished the cycle; every other field is the same for a cycle run in one go and
/// one resumed after kills.
public struct CycleRecord: Sendable, Equatable, Codable {
    public var cycle: Int
    /// The seeds sieved, `first..<end`, and how many.
    public var range: String
    public var first: UInt64
    public var last: UInt64
    public var seeds: SeedCount
    /// Seconds this process spent on the cycle (sieve, canary, candidates).
    public var seconds: Double
    /// Seeds this process sieved, over the seconds of its sieve's chunks (the chance calibration
    /// and the canary not included; null when the sieve was complete before this process started:
    /// nothing was timed).
    public var seedsPerSecond: Double?
    /// Seconds per 2^32 seeds at that rate.
    public var costPer232SeedsS: Double?
    public var forwardSurvivors: Int
    /// Bidirectional survivors (null for a sieve without a reverse window).
    public var bidirectionalSurvivors: Int?
    /// Which test's survivors the cycle counts (``CandidateRule/Evidence``): `bidirectional`, or
    /// `forward` (no reverse test, or reference mode).
    public var survivorTest: String
    /// The survivors of that test, and those chance alone would leave.
    public var survivors: Int
    public var expectedSurvivors: Double
    /// Observed over expected survivors (null when chance expects none).
    public var survivorsVsChance: Double?
    /// Survivors (of ``survivorTest``) at one skip.
    public struct SkipCount: Sendable, Equatable, Codable {
        public var skip: Int
        public var survivors: Int

        public init(skip: Int, survivors: Int) {
            self.skip = skip
            self.survivors = survivors
        }
    }

    /// Survivors per skip, ascending skips (skips without survivors left out).
    public var survivorsBySkip: [SkipCount]
    public var candidates: Int
    public var canary: CanaryResult
    public var champion: ChampionReference
    public var finished: String

    public init(cycle: Int, range: String, first: UInt64, last: UInt64, seeds: SeedCount, seconds: Double,
                seedsPerSecond: Double?, costPer232SeedsS: Double?, forwardSurvivors: Int, bidirectionalSurvivors: Int?,
                survivorTest: String, survivors: Int, expectedSurvivors: Double, survivorsVsChance: Double?, survivorsBySkip: [SkipCount], candidates: Int,
                canary: CanaryResult, champion: ChampionReference, finished: String) {
        self.cycle = cycle
        self.range = range
        self.first = first
        self.last = last
        self.seeds = seeds
        self.seconds = seconds
        self.seedsPerSecond = seedsPerSecond
        self.costPer232SeedsS = costPer232SeedsS
        self.forwardSurvivors = forwardSurvivors
        self.bidirectionalSurvivors = bidirectionalSurvivors
        self.survivorTest = survivorTest
        self.survivors = survivors
        self.expectedSurvivors = expectedSurvivors
        self.survivorsVsChance = survivorsVsChance
        self.survivorsBySkip = survivorsBySkip
        self.candidates = candidates
        self.canary = canary
        self.champion = champion
        self.finished = finished
    }

    private enum CodingKeys: String, CodingKey {
        case cycle, range, first, last, seeds, seconds, seedsPerSecond = "seeds_per_second"
        case costPer232SeedsS = "cost_per_2_32_seeds_s", forwardSurvivors = "forward_survivors"
        case bidirectionalSurvivors = "bidirectional_survivors", survivorTest = "survivor_test", survivors
        case expectedSurvivors = "expected_survivors"
        case survivorsVsChance = "survivors_vs_chance", survivorsBySkip = "survivors_by_skip", candidates, canary, champion, finished
    }

    /// Every field, an unknown one as null: the file has one shape whatever was timed.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(cycle, forKey: .cycle)
        try c.encode(range, forKey: .range)
        try c.encode(first, forKey: .first)
        try c.encode(last, forKey: .last)
        try c.encode(seeds, forKey: .seeds)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(JSONValue.number(seedsPerSecond), forKey: .seedsPerSecond)
        try c.encode(JSONValue.number(costPer232SeedsS), forKey: .costPer232SeedsS)
        try c.encode(forwardSurvivors, forKey: .forwardSurvivors)
        try c.encode(bidirectionalSurvivors.map(JSONValue.integer) ?? .null, forKey: .bidirectionalSurvivors)
        try c.encode(survivorTest, forKey: .survivorTest)
        try c.encode(survivors, forKey: .survivors)
        try c.encode(expectedSurvivors, forKey: .expectedSurvivors)
        try c.encode(JSONValue.number(survivorsVsChance), forKey: .survivorsVsChance)
        try c.encode(survivorsBySkip, forKey: .survivorsBySkip)
        try c.encode(candidates, forKey: .candidates)
        try c.encode(canary, forKey: .canary)
        try c.encode(champion, forKey: .champion)
        try c.encode(finished, forKey: .finished)
    }
}
