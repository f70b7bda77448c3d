import Sieve
import Testing

/// The product's promise: a seed planted in a noisy history, with a skip, a burn-in and a window
/// that does not start at the beginning, is among the bidirectional survivors, with its skip.
@Suite("Planted seeds")
struct PlantedSeedTests {
    static let planted: [(PRNGFamily.ID, UInt64)] = [
        (.xorshift32, 3_141_592_653), (.xorshift64, 0xDEAD_BEEF_CAFE_F00D), (.xorshift128, 2_718_281_828),
        (.pcg32, 1_618_033_988), (.lcg32, 1_414_213_562), (.java_lcg, 0x0000_7A5B_1234_5678), (.minstd, 1_732_050_807),
        (.mt19937, 2_236_067_977), (.xoshiro256pp, 0x9E37_79B9_7F4A_7C15), (.philox4x32, 0x0123_4567_89AB_CDEF),
        (.sfc64, 0xFFFF_FFFF_FFFF_FF00),
    ]

    @Test("the planted seed is a bidirectional survivor at its skip", arguments: planted.map(\.0))
    func plantedSeedSurvives(_ id: PRNGFamily.ID) throws {
        let seed = Self.planted.first { $0.0 == id }!.1
        let prng = PRNGConfiguration(id)
        let (skip, burn, offset, window) = (UInt64(3), UInt64(11), 25, 20)
        let history = try PlantedHistory(
            configuration: prng, seed: seed, count: 60, burn: burn, skip: skip, modulus: 1000,
            noise: PlantedHistory.Noise(fraction: 0.2, seed: 7))
        #expect(history.replacedIndices.count == 12)
        let parameters = SieveParameters(
            prng: prng, modulus: 1000, window: window, offset: offset, reverseWindow: window, skips: 0...6, burn: burn,
            forwardThreshold: try Threshold(fraction: "0.5"), reverseThreshold: try Threshold(fraction: "0.5"))
        let plan = try SievePlan(parameters: parameters, residues: history.draws.map(UInt32.init))
        let first = seed >= 20_000 ? seed - 20_000 : 0
        let seeds = SeedRange(first: first, last: min(seed, PRNGFamily.family(id).maxSeed - 20_000) + 20_000)
        let survivors = try CPUSieveBackend().survivors(of: plan, seeds: seeds)
        let record = try #require(survivors.first { $0.seed == seed }, "\(id): planted seed not found")
        #expect(record.passed.contains(.bidirectional))
        #expect(record.bidirectionalSkip == UInt32(skip))
        #expect(record.forwardSkip == UInt32(skip))
        // Chance survivors at 10 of 20 draws mod 1000 are vanishingly rare.
        #expect(survivors.filter { $0.passed.contains(.bidirectional) }.count == 1)
    }
}
