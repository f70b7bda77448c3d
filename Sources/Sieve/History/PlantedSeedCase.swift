/// The product's promise for one family, as a case to run: a seed planted in a noisy history, with
/// a skip, a burn-in and a window that does not start at the beginning, must be among the
/// bidirectional survivors of the seeds around it, at its skip, and alone there.
///
/// The planted-seed tests run every case on the CPU; `optimize selftest` runs them on the
/// backend a user is about to trust.
///
/// ```swift
/// for c in PlantedSeedCase.all {
///     let survivors = try backend.survivors(of: try c.plan(), seeds: c.seeds)
///     if let problem = c.problem(in: survivors) { print("\(c.family): \(problem)") }
/// }
/// ```
public struct PlantedSeedCase: Sendable, CustomStringConvertible {
    public let family: PRNGFamily.ID
    public let seed: UInt64

    /// The planted stream's skip and burn-in, and where the window sits in the 60-draw history.
    public static let skip: UInt64 = 3
    public static let burn: UInt64 = 11
    public static let offset = 25
    public static let window = 20
    public static let count = 60
    public static let modulus: UInt64 = 1000
    /// A fifth of the draws replaced by noise (12 of 60).
    public static let noise = PlantedHistory.Noise(fraction: 0.2, seed: 7)
    /// Seeds on either side of the planted one that are sieved with it.
    public static let margin: UInt64 = 20_000

    /// One case per family, each seed chosen far from 0 and, for the 64-bit families, with high bits set.
    public static let all: [PlantedSeedCase] = [
        (PRNGFamily.ID.xorshift32, 3_141_592_653), (.xorshift64, 0xDEAD_BEEF_CAFE_F00D), (.xorshift128, 2_718_281_828),
        (.pcg32, 1_618_033_988), (.lcg32, 1_414_213_562), (.java_lcg, 0x0000_7A5B_1234_5678), (.minstd, 1_732_050_807),
        (.mt19937, 2_236_067_977), (.xoshiro256pp, 0x9E37_79B9_7F4A_7C15), (.philox4x32, 0x0123_4567_89AB_CDEF),
        (.sfc64, 0xFFFF_FFFF_FFFF_FF00),
    ].map { PlantedSeedCase(family: $0.0, seed: $0.1) }

    public var description: String { "\(family) seed \(seed)" }

    /// The noisy history the seed is planted in.
    public func history() throws -> PlantedHistory {
        try PlantedHistory(configuration: PRNGConfiguration(family), seed: seed, count: Self.count, burn: Self.burn,
                           skip: Self.skip, modulus: Self.modulus, noise: Self.noise)
    }

    /// The sieve that must find it: half of the window's draws forward and reversed, skips 0–6.
    public func plan() throws -> SievePlan {
        let parameters = SieveParameters(
            prng: PRNGConfiguration(family), modulus: Self.modulus, window: Self.window, offset: Self.offset,
            reverseWindow: Self.window, skips: 0...6, burn: Self.burn,
            forwardThreshold: try Threshold(fraction: "0.5"), reverseThreshold: try Threshold(fraction: "0.5"))
        return try SievePlan(parameters: parameters, residues: try history().draws.map(UInt32.init))
    }

    /// The seeds sieved: the planted one and ``margin`` on either side, within the family's width.
    public var seeds: SeedRange {
        let first = seed >= Self.margin ? seed - Self.margin : 0
        return SeedRange(first: first, last: min(seed, PRNGFamily.family(family).maxSeed - Self.margin) + Self.margin)
    }

    /// Nil when `survivors` keep the promise; otherwise what is wrong, as a phrase.
    public func problem(in survivors: [SurvivorRecord]) -> String? {
        guard let record = survivors.first(where: { $0.seed == seed }) else { return "the planted seed is not a survivor" }
        if !record.passed.contains(.bidirectional) { return "the planted seed survives, but not bidirectionally" }
        if record.bidirectionalSkip != UInt32(Self.skip) || record.forwardSkip != UInt32(Self.skip) {
            return "the planted seed is found at skip \(record.forwardSkip) (bidirectional \(record.bidirectionalSkip)), not \(Self.skip)"
        }
        // Chance survivors at 10 of 20 draws mod 1000 are vanishingly rare.
        let bidirectional = survivors.filter { $0.passed.contains(.bidirectional) }.count
        if bidirectional != 1 { return "\(bidirectional) bidirectional survivors, where only the planted seed should be" }
        return nil
    }
}
