/// A draw history generated from a known seed: how users and tests plant seeds.
///
/// Draw `j` is `out_{burn + (j+1)(skip+1)} mod modulus` of the seed's stream (docs/semantics.md §2),
/// computed by the kernels. Optional noise then replaces a fraction of the draws, chosen by a
/// seeded generator, each with a different residue, and records which.
///
/// ```swift
/// let history = try PlantedHistory(
///     configuration: PRNGConfiguration(.java_lcg), seed: 1234, count: 5, skip: 5, modulus: 1000)
/// history.draws  // [843, 814, 568, 312, 538]
/// ```
public struct PlantedHistory: Sendable, Equatable {
    /// Random replacement of draws.
    public struct Noise: Sendable, Equatable {
        /// The fraction of draws replaced, 0 ... 1; round(fraction · count) draws are replaced.
        public let fraction: Double
        /// Seeds the generator that picks the draws and their replacements.
        public let seed: UInt64

        public init(fraction: Double, seed: UInt64) {
            self.fraction = fraction
            self.seed = seed
        }
    }

    /// The most draws one history may hold.
    public static let maximumCount = 1 << 24

    public let configuration: PRNGConfiguration
    public let seed: UInt64
    public let burn: UInt64
    public let skip: UInt64
    public let modulus: UInt64
    public let noise: Noise?
    /// The draws, oldest first, each below ``modulus``.
    public let draws: [UInt64]
    /// The indices of the draws that noise replaced, ascending.
    public let replacedIndices: [Int]

    /// Generates a history.
    ///
    /// - Parameters:
    ///   - configuration: the family and its parameters.
    ///   - seed: the planted seed, within the family's seed width.
    ///   - count: how many draws, 1 ... ``maximumCount``.
    ///   - burn: outputs discarded after seeding, before the first draw's stream position.
    ///   - skip: outputs discarded before each draw.
    ///   - modulus: M, 2 ... 2^32: draws are outputs mod M.
    ///   - noise: replaces a fraction of the draws, if given.
    /// - Throws: ``InputError`` naming the option at fault.
    public init(
        configuration: PRNGConfiguration, seed: UInt64, count: Int, burn: UInt64 = 0, skip: UInt64 = 0,
        modulus: UInt64 = 1000, noise: Noise? = nil
    ) throws(InputError) {
        let family = configuration.family
        guard seed <= family.maxSeed else {
            throw InputError(
                .invalidSeed, source: "--seed",
                problem: "\(seed) does not fit \(family.name)'s \(family.seedBits)-bit seeds",
                fix: "give a seed from 0 to \(family.maxSeed)")
        }
        guard (1...Self.maximumCount).contains(count) else {
            throw InputError(
                .invalidOption, source: "--count", problem: "\(count) draws asked for",
                fix: "give a count from 1 to \(Self.maximumCount)")
        }
        guard (2...(UInt64(1) << 32)).contains(modulus) else {
            throw InputError(
                .invalidOption, source: "--modulus", problem: "modulus \(modulus) is outside 2 ... 2^32",
                fix: "give a modulus from 2 to 4294967296")
        }
        if !family.hasJumpAhead {
            // Families without jump-ahead walk every output: refuse work that would not finish.
            let (perDraw, o1) = skip.addingReportingOverflow(1)
            let (draws, o2) = perDraw.multipliedReportingOverflow(by: UInt64(count))
            let (steps, o3) = draws.addingReportingOverflow(burn)
            guard !(o1 || o2 || o3), steps <= UInt64(1) << 40 else {
                throw InputError(
                    .invalidOption, source: skip > burn ? "--skip" : "--burn",
                    problem: "\(family.name) has no jump-ahead, and this stream needs more than 2^40 single steps",
                    fix: "give a smaller skip or burn-in (burn + count·(skip+1) up to 2^40), or a family with jump-ahead")
            }
        }
        if let noise {
            guard noise.fraction.isFinite, (0...1).contains(noise.fraction) else {
                throw InputError(
                    .invalidOption, source: "--noise", problem: "fraction \(noise.fraction) is outside 0 ... 1",
                    fix: "give the fraction of draws to replace, from 0 to 1 (0.2 replaces 20 %)")
            }
        }
        let outputs: [UInt64]
        do {
            outputs = try configuration.outputs(seed: seed, count: count, burn: burn, skip: skip)
        } catch {
            preconditionFailure("the prng_generate kernel is missing from the CPU build: \(error)")
        }
        var draws = outputs.map { $0 % modulus }
        var replaced: [Int] = []
        if let noise {
            replaced = Self.replace(&draws, fraction: noise.fraction, seed: noise.seed, modulus: modulus)
        }
        self.configuration = configuration
        self.seed = seed
        self.burn = burn
        self.skip = skip
        self.modulus = modulus
        self.noise = noise
        self.draws = draws
        self.replacedIndices = replaced
    }

    /// Replaces round(fraction · count) draws, chosen uniformly without replacement, each by a
    /// uniform residue other than its own. Returns the replaced indices, ascending.
    static func replace(_ draws: inout [UInt64], fraction: Double, seed: UInt64, modulus: UInt64) -> [Int] {
        let count = draws.count
        let replacements = min(count, Int((fraction * Double(count)).rounded()))
        var random = SplitMix64(seed: seed)
        // A partial Fisher–Yates shuffle of the indices picks `replacements` distinct draws.
        var indices = Array(0..<count)
        for i in 0..<replacements {
            let j = i + Int(random.below(UInt64(count - i)))
            indices.swapAt(i, j)
        }
        let chosen = indices[0..<replacements].sorted()
        for index in chosen {
            // A uniform residue among the modulus - 1 that differ from the draw.
            let residue = random.below(modulus - 1)
            draws[index] = residue >= draws[index] ? residue + 1 : residue
        }
        return chosen
    }
}

