import RealModule

/// How many survivors a sieve would keep by chance alone (docs/semantics.md §5), next to which every
/// observed count is reported.
///
/// Two models:
/// - ``Model/analytic``: outputs uniform over the family's output range and independent; the
///   per-draw match probability is exact for each draw's residue; counts per skip follow a
///   Poisson-binomial law; skips are treated as independent.
/// - ``Model/empirical``: the same sieve run on a fixed sample of seeds spread over the family's
///   seed space, scaled to the seed count. Used where the analytic model is known to be wrong:
///   families whose low output bits are structured when M is even (power-of-two LCGs, java_lcg,
///   xorshift's linear bits), reference mode (whose windows share stream positions), and whenever
///   the sample can measure the rate (at least 10 expected sample survivors), which also captures
///   the correlation between skips that share positions.
public struct ChanceExpectation: Sendable, Hashable, Codable {
    public enum Model: String, Sendable, Hashable, Codable {
        case analytic, empirical
    }

    public let model: Model
    /// The probability that one seed survives each test by chance.
    public let forwardRate: Double
    /// Reverse survival (full-range reverse and reference mode), else `nil`.
    public let reverseRate: Double?
    /// Bidirectional survival, when a reverse test runs.
    public let bidirectionalRate: Double?
    /// Empirical model: one standard error of each rate, and the seeds sieved.
    public let forwardRateError: Double?
    public let reverseRateError: Double?
    public let bidirectionalRateError: Double?
    public let sampleSize: Int?
    /// Empirical model: the survivors the sample kept, per test. Where it kept none, the rate is the
    /// analytic one and its error the sample's 95 % upper bound (3/n).
    public let sampleCounts: [String: Int]?
    /// Why this model was chosen, in words.
    public let reason: String
    /// The seed count the expected counts are for.
    public let seedCount: Double

    /// The same rates for another number of seeds.
    public func scaled(to seedCount: Double) -> ChanceExpectation {
        ChanceExpectation(
            model: model, forwardRate: forwardRate, reverseRate: reverseRate, bidirectionalRate: bidirectionalRate,
            forwardRateError: forwardRateError, reverseRateError: reverseRateError,
            bidirectionalRateError: bidirectionalRateError, sampleSize: sampleSize, sampleCounts: sampleCounts,
            reason: reason, seedCount: seedCount)
    }

    /// Expected survivors of each test, and one standard error (empirical model).
    public var forward: Double { forwardRate * seedCount }
    public var reverse: Double? { reverseRate.map { $0 * seedCount } }
    public var bidirectional: Double? { bidirectionalRate.map { $0 * seedCount } }
    public var forwardError: Double? { forwardRateError.map { $0 * seedCount } }
    public var reverseError: Double? { reverseRateError.map { $0 * seedCount } }
    public var bidirectionalError: Double? { bidirectionalRateError.map { $0 * seedCount } }
}

extension SievePlan {
    /// The probability that one output, uniform over the family's output range, is ≡ r (mod M).
    func drawProbability(_ r: UInt32) -> Double {
        let family = parameters.prng.family
        let (low, high): (UInt128, UInt128)
        switch family.id {
        case .minstd: (low, high) = (1, 0x7FFF_FFFF)
        case .lcg32:
            let m = UInt128(parameters.prng[parameter: "m"] ?? 0)
            (low, high) = (0, m == 0 ? UInt128(1) << 32 : m)
        default: (low, high) = (0, UInt128(1) << UInt128(family.outputBits))
        }
        let modulus = UInt128(parameters.modulus)
        let residue = UInt128(r)
        func below(_ bound: UInt128) -> UInt128 {  // #{x < bound : x ≡ r mod M}
            bound > residue ? (bound - 1 - residue) / modulus + 1 : 0
        }
        return Double(below(high) - below(low)) / Double(high - low)
    }

    /// P(at least `minimum` of the draws match), draws matching independently.
    func tailProbability(_ draws: [UInt32], minimum: Int) -> Double {
        guard minimum > 0 else { return 1 }
        guard minimum <= draws.count else { return 0 }
        var distribution = [Double](repeating: 0, count: draws.count + 1)
        distribution[0] = 1
        for (index, draw) in draws.enumerated() {
            let p = drawProbability(draw)
            for j in stride(from: index + 1, through: 1, by: -1) {
                distribution[j] = distribution[j] * (1 - p) + distribution[j - 1] * p
            }
            distribution[0] *= 1 - p
        }
        return min(1, distribution[minimum...].reduce(0, +))
    }

    /// 1 - (1 - q)^n, accurately for small q.
    func anyOf(_ n: Int, _ q: Double) -> Double {
        guard q < 1 else { return 1 }
        return -Double.expMinusOne(Double(n) * Double.log(onePlus: -q))
    }

    /// The analytic model's survival probabilities per seed: (forward, reverse, bidirectional).
    func analyticRates() -> (forward: Double, reverse: Double?, bidirectional: Double?) {
        let skips = parameters.skips.count
        let forwardPerSkip = tailProbability(forwardDraws, minimum: forwardMinimum)
        let forward = anyOf(skips, forwardPerSkip)
        guard let reverseMinimum else { return (forward, nil, nil) }
        let reversePerSkip = tailProbability(reverseDraws, minimum: reverseMinimum)
        let reverse = anyOf(skips, reversePerSkip)
        let reportsReverse = parameters.referenceMode || parameters.reverseScope == .fullRange
        // Standard semantics: both windows at one skip use disjoint positions. Reference mode:
        // the two sieves are taken as independent (which TV-18 shows they are not: it is
        // calibrated empirically).
        let bidirectional = parameters.referenceMode ? forward * reverse : anyOf(skips, forwardPerSkip * reversePerSkip)
        return (forward, reportsReverse ? reverse : nil, bidirectional)
    }

    /// Whether the family's low output bits are structured for this modulus.
    var hasStructuredLowBits: Bool {
        guard parameters.modulus % 2 == 0 else { return false }
        switch parameters.prng.family.id {
        case .java_lcg, .xorshift32, .xorshift128: return true
        case .lcg32: return (parameters.prng[parameter: "m"] ?? 0) == 0
        default: return false
        }
    }

    /// The chance expectation for `seedCount` seeds, from the model that fits this plan.
    ///
    /// - Parameters:
    ///   - seedCount: how many seeds the sieve covers.
    ///   - backend: runs the empirical calibration, when it is needed.
    ///   - sampleSize: seeds in the empirical sample (in blocks of 65,536).
    public func chanceExpectation(seedCount: UInt128, backend: SieveBackend = CPUSieveBackend(), sampleSize: Int = 1 << 20) throws -> ChanceExpectation {
        let n = Double(seedCount)
        let rates = analyticRates()
        let measurable = rates.forward * Double(sampleSize) >= 10
            || (rates.bidirectional ?? 0) * Double(sampleSize) >= 10
            || (rates.reverse ?? 0) * Double(sampleSize) >= 10
        var reason = ""
        if hasStructuredLowBits {
            reason = "\(parameters.prng.family.name)'s low output bits are structured for an even modulus"
        } else if parameters.referenceMode && parameters.hasReverse {
            reason = "reference mode's two sieves share stream positions"
        } else if measurable {
            reason = "the rate is high enough to measure, which accounts for skips that share positions"
        }
        guard !reason.isEmpty else {
            return ChanceExpectation(
                model: .analytic, forwardRate: rates.forward, reverseRate: rates.reverse, bidirectionalRate: rates.bidirectional,
                forwardRateError: nil, reverseRateError: nil, bidirectionalRateError: nil, sampleSize: nil, sampleCounts: nil,
                reason: "outputs uniform and independent; expected sample survivors below 10", seedCount: n)
        }
        // A fixed sample, spread over the whole seed space: blocks of 65,536 consecutive seeds at
        // places a generator seeded with the plan's constants picks (so that a run and its resume
        // report the same expectation).
        let family = parameters.prng.family
        let blockSize: UInt64 = 1 << 16
        let blocks = max(1, sampleSize / Int(blockSize))
        var random = SplitMix64(seed: 0x5EED_CA11 ^ UInt64(forwardDraws.count) ^ (UInt64(parameters.skips.lowerBound) << 32))
        var counts = (forward: 0, reverse: 0, bidirectional: 0)
        for _ in 0..<blocks {
            let first = random.below(family.maxSeed - blockSize + 2)
            let sample = try backend.survivors(of: self, seeds: SeedRange(first: first, last: first + blockSize - 1))
            counts.forward += sample.filter { $0.passed.contains(.forward) }.count
            counts.reverse += sample.filter { $0.passed.contains(.reverse) }.count
            counts.bidirectional += sample.filter { $0.passed.contains(.bidirectional) }.count
        }
        let size = Double(blocks) * Double(blockSize)
        // A rate the sample measured, with its standard error; where the sample saw no survivor,
        // the analytic rate, with the sample's 95 % upper bound (3/n) as its error.
        func rate(_ count: Int, analytic: Double) -> (Double, Double) {
            guard count > 0 else { return (min(analytic, 3 / size), 3 / size) }
            let f = Double(count) / size
            return (f, (f * (1 - f) / size).squareRoot())
        }
        let forward = rate(counts.forward, analytic: rates.forward)
        let reverse = rate(counts.reverse, analytic: rates.reverse ?? 0)
        let pair = rate(counts.bidirectional, analytic: rates.bidirectional ?? 0)
        return ChanceExpectation(
            model: .empirical, forwardRate: forward.0, reverseRate: rates.reverse == nil ? nil : reverse.0,
            bidirectionalRate: rates.bidirectional == nil ? nil : pair.0, forwardRateError: forward.1,
            reverseRateError: rates.reverse == nil ? nil : reverse.1,
            bidirectionalRateError: rates.bidirectional == nil ? nil : pair.1, sampleSize: Int(size),
            sampleCounts: ["forward": counts.forward, "reverse": counts.reverse, "bidirectional": counts.bidirectional],
            reason: reason, seedCount: n)
    }
}
