/// A random sieve configuration, its history and seed range; printed when a comparison fails.
///
/// The tests hold the backends to the oracle and to each other on these (SieveTests,
/// SieveMetalTests), and `optimize selftest` holds a new machine's backend to its reference on
/// them: small seed ranges over every family, moduli from 2 to 2^32, reverse windows, reference
/// mode, pruned and plain seed sets, some with a planted seed.
///
/// ```swift
/// var random = SplitMix64(seed: 1)
/// let c = try RandomSieveCase.make(&random)
/// #expect(try backend.survivors(of: c.plan, seeds: c.seeds) == (try SieveOracle.survivors(of: c.plan, seeds: c.seeds)))
/// ```
public struct RandomSieveCase: CustomStringConvertible {
    public let plan: SievePlan
    public let seeds: SeedRange

    public var description: String {
        let p = plan.parameters
        return "\(p.prng) M=\(p.modulus) k=\(p.window) o=\(p.offset) kr=\(p.reverseWindow.map(String.init) ?? "-") "
            + "skips=\(p.skips) burn=\(p.burn) mF=\(plan.forwardMinimum) mR=\(plan.reverseMinimum.map(String.init) ?? "-") "
            + "scope=\(p.reverseScope.rawValue) reference=\(p.referenceMode) seeds=\(seeds)"
    }

    /// Draws a configuration. A third of the histories carry a planted seed inside the range (with a
    /// skip in the range and noise), so that survivors of every kind occur.
    public static func make(_ random: inout SplitMix64, families: [PRNGFamily.ID] = PRNGFamily.ID.allCases) throws -> RandomSieveCase {
        let id = families[Int(random.below(UInt64(families.count)))]
        let family = PRNGFamily.family(id)
        var prng = PRNGConfiguration(id)
        if id == .lcg32 && random.below(2) == 0 {
            prng = try PRNGConfiguration(family: family, parameters: ["m": [0, 4_294_967_291, 1_000_003][Int(random.below(3))]])
        }
        let moduli: [UInt64] = [2, 3, 7, 8, 10, 100, 1000, 1000, 1 << 31, 4_294_967_295, 1 << 32]
        let modulus = moduli[Int(random.below(UInt64(moduli.count)))]
        let window = 1 + Int(random.below(14))
        let referenceMode = random.below(4) == 0
        let hasReverse = random.below(3) != 0
        let reverseWindow = hasReverse && !referenceMode ? 1 + Int(random.below(12)) : nil
        let offset = (reverseWindow ?? 0) + Int(random.below(6))
        let count = offset + window + Int(random.below(4))
        let skipMin = UInt32(random.below(5))
        let skips = skipMin...(skipMin + UInt32(random.below(9)))
        let burn = random.below(3) == 0 ? 0 : random.below(30)
        // Seeds: near a random place, sometimes at the very top of the seed space.
        let width = 1 + random.below(900)
        let firstSeed = random.below(3) == 0 ? family.maxSeed - (width - 1) : random.below(family.maxSeed - width)
        let seeds = SeedRange(first: firstSeed, last: firstSeed + (width - 1))
        var residues = (0..<count).map { _ in UInt32(random.below(modulus)) }
        if random.below(3) == 0 {
            let planted = firstSeed + random.below(width)
            let skip = UInt64(skips.lowerBound) + random.below(UInt64(skips.count))
            let outputs = try prng.outputs(seed: planted, count: count, burn: burn, skip: skip)
            residues = outputs.enumerated().map { index, output in
                random.below(5) == 0 ? residues[index] : UInt32(output % modulus)
            }
        }
        func threshold(_ k: Int) throws -> Threshold {
            random.below(2) == 0
                ? .matches(Int(random.below(UInt64(min(k, 4) + 1))))
                : try Threshold(fraction: ["0", "0.1", "0.25", "0.3", "0.5", "0.7", "1"][Int(random.below(7))])
        }
        let parameters = SieveParameters(
            prng: prng, modulus: modulus, window: window, offset: offset, reverseWindow: reverseWindow, skips: skips,
            burn: burn, forwardThreshold: try threshold(window),
            reverseThreshold: hasReverse ? try threshold(reverseWindow ?? window) : nil,
            reverseScope: random.below(2) == 0 ? .forwardSurvivors : .fullRange, referenceMode: referenceMode)
        return RandomSieveCase(plan: try SievePlan(parameters: parameters, residues: residues), seeds: seeds)
    }
}
