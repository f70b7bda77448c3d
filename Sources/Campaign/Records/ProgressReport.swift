import Foundation
import _OptimizeSupport

/// `latest_progress.json` and `progress_report_NNNNNN.json` (the same content): the campaign after
/// a cycle, in docs/operations.md §2's fields and our units (seeds, seconds).
///
/// `recent_*` fields cover the last ``recentCycles`` cycles. `distribution` is the share of all
/// survivors at each skip, in percent: where in the skip range the evidence (or chance) falls.
public struct ProgressReport: Sendable, Equatable, Codable {
    /// The window of the `recent_*` fields.
    public static let recentCycles = 10

    /// `running`, or `complete` once every cycle of the range is done.
    public var status: String
    /// ISO-8601 with an offset (`2026-12-02T01:02:03.456+00:00`).
    public var lastUpdated: String
    public var totalCycles: Int
    /// The range's cycles.
    public var cyclesTotal: Int
    /// Seeds sieved so far (`total_queries` in the original, named for what it counts).
    public var totalSeeds: SeedCount
    public var seedsTotal: SeedCount
    public var seedsPerSecond: Double?
    public var costPer232SeedsS: Double?
    public var survivors: Int
    public var expectedSurvivors: Double
    public var survivorsVsChance: Double?
    public var candidates: Int
    /// Canaries found over canaries planted.
    public var canaryRecall: Double?
    /// Lines in `hard_bank.txt`: canaries missed.
    public var hardNegatives: Int
    public var recentSeedsPerSecond: Double?
    public var recentCostPer232SeedsS: Double?
    public var recentCanaryRecall: Double?
    public var recentSurvivorsVsChance: Double?
    public var distribution: Distribution
    /// The champion of the last cycle.
    public var champion: ChampionReference?

    /// Survivors by skip, in percent of all survivors.
    public struct Distribution: Sendable, Equatable, Codable {
        /// One skip's share.
        public struct Share: Sendable, Equatable, Codable {
            public var skip: Int
            public var percent: Double
        }

        /// What is distributed, in words.
        public var of: String
        /// Ascending skips; skips without survivors left out.
        public var skips: [Share]
    }

    private enum CodingKeys: String, CodingKey {
        case status, lastUpdated = "last_updated", totalCycles = "total_cycles", cyclesTotal = "cycles_total"
        case totalSeeds = "total_seeds", seedsTotal = "seeds_total", seedsPerSecond = "seeds_per_second"
        case costPer232SeedsS = "cost_per_2_32_seeds_s", survivors, expectedSurvivors = "expected_survivors"
        case survivorsVsChance = "survivors_vs_chance", candidates, canaryRecall = "canary_recall"
        case hardNegatives = "hard_negatives", recentSeedsPerSecond = "recent_seeds_per_second"
        case recentCostPer232SeedsS = "recent_cost_per_2_32_seeds_s", recentCanaryRecall = "recent_canary_recall"
        case recentSurvivorsVsChance = "recent_survivors_vs_chance", distribution, champion
    }

    /// Every field, an unknown one (a rate before anything was timed) as null: readers find
    /// every key in every report.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status, forKey: .status)
        try c.encode(lastUpdated, forKey: .lastUpdated)
        try c.encode(totalCycles, forKey: .totalCycles)
        try c.encode(cyclesTotal, forKey: .cyclesTotal)
        try c.encode(totalSeeds, forKey: .totalSeeds)
        try c.encode(seedsTotal, forKey: .seedsTotal)
        try c.encode(JSONValue.number(seedsPerSecond), forKey: .seedsPerSecond)
        try c.encode(JSONValue.number(costPer232SeedsS), forKey: .costPer232SeedsS)
        try c.encode(survivors, forKey: .survivors)
        try c.encode(expectedSurvivors, forKey: .expectedSurvivors)
        try c.encode(JSONValue.number(survivorsVsChance), forKey: .survivorsVsChance)
        try c.encode(candidates, forKey: .candidates)
        try c.encode(JSONValue.number(canaryRecall), forKey: .canaryRecall)
        try c.encode(hardNegatives, forKey: .hardNegatives)
        try c.encode(JSONValue.number(recentSeedsPerSecond), forKey: .recentSeedsPerSecond)
        try c.encode(JSONValue.number(recentCostPer232SeedsS), forKey: .recentCostPer232SeedsS)
        try c.encode(JSONValue.number(recentCanaryRecall), forKey: .recentCanaryRecall)
        try c.encode(JSONValue.number(recentSurvivorsVsChance), forKey: .recentSurvivorsVsChance)
        try c.encode(distribution, forKey: .distribution)
        if let champion { try c.encode(champion, forKey: .champion) } else { try c.encode(JSONValue.null, forKey: .champion) }
    }

    /// The report after `cycles` (every finished cycle, in order).
    ///
    /// - Parameters:
    ///   - cyclesTotal: the range's cycles.
    ///   - seedsTotal: the range's seeds.
    ///   - hardNegatives: the lines of `hard_bank.txt`.
    ///   - now: the report's time.
    public init(cycles: [CycleRecord], cyclesTotal: Int, seedsTotal: UInt128, hardNegatives: Int, now: Date = Date()) {
        status = cycles.count >= cyclesTotal ? "complete" : "running"
        lastUpdated = Timestamp.withOffset(now)
        totalCycles = cycles.count
        self.cyclesTotal = cyclesTotal
        totalSeeds = SeedCount(cycles.reduce(UInt128(0)) { $0 + $1.seeds.value })
        self.seedsTotal = SeedCount(seedsTotal)
        let all = Self.kpis(cycles)
        let recent = Self.kpis(cycles.suffix(Self.recentCycles))
        seedsPerSecond = all.rate
        costPer232SeedsS = all.rate.map { 4_294_967_296 / $0 }
        survivors = all.survivors
        expectedSurvivors = all.expected
        survivorsVsChance = all.versusChance
        candidates = cycles.reduce(0) { $0 + $1.candidates }
        canaryRecall = all.recall
        self.hardNegatives = hardNegatives
        recentSeedsPerSecond = recent.rate
        recentCostPer232SeedsS = recent.rate.map { 4_294_967_296 / $0 }
        recentCanaryRecall = recent.recall
        recentSurvivorsVsChance = recent.versusChance
        var bySkip: [Int: Int] = [:]
        for cycle in cycles { for count in cycle.survivorsBySkip { bySkip[count.skip, default: 0] += count.survivors } }
        let total = bySkip.values.reduce(0, +)
        distribution = Distribution(
            of: "survivors by skip, percent of all survivors",
            skips: bySkip.keys.sorted().map { .init(skip: $0, percent: total == 0 ? 0 : 100 * Double(bySkip[$0]!) / Double(total)) })
        champion = cycles.last?.champion
    }

    /// Rate, survivors against chance and canary recall over some cycles.
    static func kpis(_ cycles: some Collection<CycleRecord>)
        -> (rate: Double?, survivors: Int, expected: Double, versusChance: Double?, recall: Double?) {
        // Seeds per second over the cycles that were timed: their seeds over their seconds.
        var seeds = 0.0, seconds = 0.0
        for cycle in cycles {
            if let rate = cycle.seedsPerSecond, rate > 0 {
                seeds += Double(cycle.seeds.value)
                seconds += Double(cycle.seeds.value) / rate
            }
        }
        let survivors = cycles.reduce(0) { $0 + $1.survivors }
        let expected = cycles.reduce(0.0) { $0 + $1.expectedSurvivors }
        let recall = cycles.isEmpty ? nil : Double(cycles.reduce(0) { $0 + $1.canary.recall }) / Double(cycles.count)
        return (seconds > 0 ? seeds / seconds : nil, survivors, expected, expected > 0 ? Double(survivors) / expected : nil, recall)
    }
}
