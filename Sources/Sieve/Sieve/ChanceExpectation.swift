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

    /// The three tests a seed can survive.
    public enum Test: String, Sendable, CaseIterable {
        case forward, reverse, bidirectional
    }

    /// The chance survival of one test (forward, reverse or bidirectional).
    public struct Estimate: Sendable, Hashable, Codable {
        /// The probability that one seed survives the test by chance.
        public let rate: Double
        /// Empirical model: one standard error of the rate (where the sample kept no survivor, the
        /// sample's 95 % upper bound 3/n, and the rate is the analytic one capped at it).
        public let error: Double?
        /// Empirical model: the survivors the calibration sample kept.
        public let sampleCount: Int?

        public init(rate: Double, error: Double? = nil, sampleCount: Int? = nil) {
            self.rate = rate
            self.error = error
            self.sampleCount = sampleCount
        }

        /// Whether the calibration sample kept no survivor of this test (so the rate is the
        /// analytic model's, not a measurement).
        public var sampleSawNone: Bool { sampleCount == 0 }
    }

    public let model: Model
    public let forward: Estimate
    /// Reverse survival (full-range reverse and reference mode), else `nil`.
    public let reverse: Estimate?
    /// Bidirectional survival, when a reverse test runs.
    public let bidirectional: Estimate?
    /// Empirical model: the seeds the calibration sample sieved.
    public let sampleSize: Int?
    /// Why this model was chosen, in words.
    public let reason: String
    /// The seed count the expected counts are for.
    public let seedCount: Double

    public init(model: Model, forward: Estimate, reverse: Estimate?, bidirectional: Estimate?, sampleSize: Int?,
                reason: String, seedCount: Double) {
        self.model = model
        self.forward = forward
        self.reverse = reverse
        self.bidirectional = bidirectional
        self.sampleSize = sampleSize
        self.reason = reason
        self.seedCount = seedCount
    }

    /// The same rates for another number of seeds.
    public func scaled(to seedCount: Double) -> ChanceExpectation {
        ChanceExpectation(model: model, forward: forward, reverse: reverse, bidirectional: bidirectional,
                          sampleSize: sampleSize, reason: reason, seedCount: seedCount)
    }

    /// The estimate of `test`.
    public func estimate(_ test: Test) -> Estimate? {
        switch test {
        case .forward: forward
        case .reverse: reverse
        case .bidirectional: bidirectional
        }
    }

    /// Expected survivors of `test` by chance over ``seedCount`` seeds.
    public func expected(_ test: Test) -> Double? { estimate(test).map { $0.rate * seedCount } }

    /// One standard error of the expected survivors of `test` (empirical model).
    public func expectedError(_ test: Test) -> Double? { estimate(test)?.error.map { $0 * seedCount } }

    // Files of version 0.1.0 wrote each test's rate, error and sample count as flat fields
    // (`forward_rate`, `forward_rate_error`, `sample_counts`); they are read as well.
    private enum CodingKeys: String, CodingKey {
        case model, forward, reverse, bidirectional, sampleSize, reason, seedCount
        case forwardRate, reverseRate, bidirectionalRate, forwardRateError, reverseRateError, bidirectionalRateError, sampleCounts
        case forwardError, reverseError, bidirectionalError
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(Model.self, forKey: .model)
        sampleSize = try container.decodeIfPresent(Int.self, forKey: .sampleSize)
        reason = try container.decode(String.self, forKey: .reason)
        if (try? container.decode(Double.self, forKey: .forward)) != nil {
            // A search trial's record of version 0.1.0 kept expected counts only, without the seed
            // count: read as rates over one unit, so that every expected count stays exact.
            seedCount = 1
            func counted(_ count: CodingKeys, _ error: CodingKeys) throws -> Estimate? {
                guard let value = try container.decodeIfPresent(Double.self, forKey: count) else { return nil }
                return Estimate(rate: value, error: try container.decodeIfPresent(Double.self, forKey: error))
            }
            forward = try counted(.forward, .forwardError)!
            reverse = try counted(.reverse, .reverseError)
            bidirectional = try counted(.bidirectional, .bidirectionalError)
            return
        }
        seedCount = try container.decode(Double.self, forKey: .seedCount)
        if container.contains(.forwardRate) {
            let counts = try container.decodeIfPresent([String: Int].self, forKey: .sampleCounts)
            let sample = sampleSize.map(Double.init)
            func legacy(_ rate: CodingKeys, _ error: CodingKeys, _ name: String) throws -> Estimate? {
                guard let value = try container.decodeIfPresent(Double.self, forKey: rate) else { return nil }
                let error = try container.decodeIfPresent(Double.self, forKey: error)
                var count = counts?[name]
                if count == nil, let sample, let error {
                    // The earliest files kept no sample counts: an empty sample wrote its 95 % bound
                    // 3/n as the error; otherwise the count is the rate times the sample.
                    count = abs(error - 3 / sample) <= 1e-12 * error ? 0 : Int((value * sample).rounded())
                }
                return Estimate(rate: value, error: error, sampleCount: count)
            }
            forward = try legacy(.forwardRate, .forwardRateError, "forward")!
            reverse = try legacy(.reverseRate, .reverseRateError, "reverse")
            bidirectional = try legacy(.bidirectionalRate, .bidirectionalRateError, "bidirectional")
        } else {
            forward = try container.decode(Estimate.self, forKey: .forward)
            reverse = try container.decodeIfPresent(Estimate.self, forKey: .reverse)
            bidirectional = try container.decodeIfPresent(Estimate.self, forKey: .bidirectional)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(forward, forKey: .forward)
        try container.encodeIfPresent(reverse, forKey: .reverse)
        try container.encodeIfPresent(bidirectional, forKey: .bidirectional)
        try container.encodeIfPresent(sampleSize, forKey: .sampleSize)
        try container.encode(reason, forKey: .reason)
        try container.encode(seedCount, forKey: .seedCount)
    }
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
    typealias Estimate = ChanceExpectation.Estimate

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
    ///   - cancellation: checked between the calibration's dispatches (``SieveCancelled``).
    public func chanceExpectation(seedCount: UInt128, backend: SieveBackend = CPUSieveBackend(), sampleSize: Int = 1 << 20,
                                  cancellation: Cancellation = .never) throws -> ChanceExpectation {
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
                model: .analytic, forward: Estimate(rate: rates.forward), reverse: rates.reverse.map { Estimate(rate: $0) },
                bidirectional: rates.bidirectional.map { Estimate(rate: $0) }, sampleSize: nil,
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
            let sample = try backend.survivors(of: self, seeds: SeedRange(first: first, last: first + blockSize - 1),
                                               cancellation: cancellation)
            counts.forward += sample.filter { $0.passed.contains(.forward) }.count
            counts.reverse += sample.filter { $0.passed.contains(.reverse) }.count
            counts.bidirectional += sample.filter { $0.passed.contains(.bidirectional) }.count
        }
        let size = Double(blocks) * Double(blockSize)
        // A rate the sample measured, with its standard error; where the sample saw no survivor,
        // the analytic rate, with the sample's 95 % upper bound (3/n) as its error.
        func estimate(_ count: Int, analytic: Double) -> ChanceExpectation.Estimate {
            guard count > 0 else { return .init(rate: min(analytic, 3 / size), error: 3 / size, sampleCount: 0) }
            let f = Double(count) / size
            return .init(rate: f, error: (f * (1 - f) / size).squareRoot(), sampleCount: count)
        }
        return ChanceExpectation(
            model: .empirical, forward: estimate(counts.forward, analytic: rates.forward),
            reverse: rates.reverse.map { estimate(counts.reverse, analytic: $0) },
            bidirectional: rates.bidirectional.map { estimate(counts.bidirectional, analytic: $0) },
            sampleSize: Int(size), reason: reason, seedCount: n)
    }
}
