import Sieve
import Testing

@Suite("Chance expectations (docs/semantics.md §5)")
struct ChanceExpectationTests {
    /// A random history and a sieve loose enough that chance survivors number in the hundreds.
    func randomPlan(_ id: PRNGFamily.ID, modulus: UInt64, seed: UInt64, scope: SieveParameters.ReverseScope = .fullRange) throws -> SievePlan {
        var random = SplitMix64(seed: seed)
        let residues = (0..<30).map { _ in UInt32(random.below(modulus)) }
        let parameters = SieveParameters(
            prng: PRNGConfiguration(id), modulus: modulus, window: 6, offset: 12, reverseWindow: 6, skips: 0...15,
            forwardThreshold: .matches(2), reverseThreshold: .matches(1), reverseScope: scope)
        return try SievePlan(parameters: parameters, residues: residues)
    }

    /// |observed − expected| within 4.5 standard deviations (binomial counting noise plus the
    /// expectation's own error).
    func agrees(_ observed: Int, _ expected: Double, error: Double?) -> Bool {
        let sd = (max(expected, 1) + (error ?? 0) * (error ?? 0)).squareRoot()
        return abs(Double(observed) - expected) <= 4.5 * sd
    }

    @Test("observed chance survivors agree with the reported expectation, per family", arguments: PRNGFamily.ID.allCases)
    func observedAgreesWithExpectation(_ id: PRNGFamily.ID) throws {
        for modulus: UInt64 in [100, 1000] {
            let plan = try randomPlan(id, modulus: modulus, seed: 0xC4A0 + modulus)
            let seeds = SeedRange(first: 1 << 20, last: (1 << 20) + (1 << 16) - 1)
            let survivors = try CPUSieveBackend().survivors(of: plan, seeds: seeds)
            let expectation = try plan.chanceExpectation(seedCount: seeds.count, sampleSize: 1 << 17)
            let forward = survivors.filter { $0.passed.contains(.forward) }.count
            let reverse = survivors.filter { $0.passed.contains(.reverse) }.count
            let both = survivors.filter { $0.passed.contains(.bidirectional) }.count
            let context = "\(id) M=\(modulus) \(expectation.model): \(forward)/\(reverse)/\(both) vs \(expectation)"
            #expect(forward >= (modulus == 100 ? 500 : 5), "\(context)")
            #expect(agrees(forward, expectation.expected(.forward)!, error: expectation.expectedError(.forward)), "\(context)")
            #expect(agrees(reverse, expectation.expected(.reverse)!, error: expectation.expectedError(.reverse)), "\(context)")
            #expect(agrees(both, expectation.expected(.bidirectional)!, error: expectation.expectedError(.bidirectional)), "\(context)")
        }
    }

    @Test("the analytic model matches observed rates where low bits are not structured (odd M)",
          arguments: PRNGFamily.ID.allCases)
    func analyticModelOnOddModulus(_ id: PRNGFamily.ID) throws {
        let plan = try randomPlan(id, modulus: 999, seed: 0xA2A1)
        let seeds = SeedRange(first: 7 << 24, last: (7 << 24) + (1 << 16) - 1)
        let survivors = try CPUSieveBackend().survivors(of: plan, seeds: seeds)
        let analytic = try plan.chanceExpectation(seedCount: seeds.count, sampleSize: 1)  // a sample too small to measure
        #expect(analytic.model == .analytic)
        let forward = survivors.filter { $0.passed.contains(.forward) }.count
        let both = survivors.filter { $0.passed.contains(.bidirectional) }.count
        #expect(agrees(forward, analytic.expected(.forward)!, error: nil), "\(id): \(forward) vs \(analytic.forward)")
        #expect(agrees(both, analytic.expected(.bidirectional)!, error: nil), "\(id): \(both) vs \(String(describing: analytic.bidirectional))")
    }

    @Test("power-of-two LCGs with an even modulus are calibrated empirically")
    func structuredFamiliesAreCalibrated() throws {
        let java = try randomPlan(.java_lcg, modulus: 1000, seed: 1)
        #expect(try java.chanceExpectation(seedCount: 1000, sampleSize: 1 << 16).model == .empirical)
        let lcg = try randomPlan(.lcg32, modulus: 999, seed: 1)
        let exact = try lcg.chanceExpectation(seedCount: 1 << 32, sampleSize: 1)
        #expect(exact.model == .analytic)
        #expect(exact.forward.rate > 0)
    }

    @Test("per-draw probabilities count the output range exactly")
    func drawProbabilities() throws {
        // minstd's outputs are 1 ... 2^31 - 2: mod 2 there are 2^30 - 1 even and 2^30 odd values.
        let residues: [UInt32] = [0, 1]
        let parameters = SieveParameters(prng: PRNGConfiguration(.minstd), modulus: 2, window: 2, offset: 0, skips: 0...0,
                                         forwardThreshold: .matches(2))
        let plan = try SievePlan(parameters: parameters, residues: residues)
        let expectation = try plan.chanceExpectation(seedCount: 1, sampleSize: 1)
        let even = Double((1 << 30) - 1) / Double(0x7FFF_FFFE)
        #expect(abs(expectation.expected(.forward)! - even * (1 - even)) < 1e-12)
    }
}
