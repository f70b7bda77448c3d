import Foundation
import Sieve

/// How surprising a trial's bidirectional survivors are, against the survivors chance alone would
/// leave (docs/semantics.md §5): the score the window search maximises by default.
///
/// With X bidirectional survivors observed and λ expected by chance, the p-value is the Poisson
/// upper tail P(Poisson(λ) ≥ X) and the score is −log10 of it: 0 when X = 0 or X is no more than
/// chance gives, large when a window holds survivors that chance does not explain (a planted seed
/// gives X ≥ 1 where λ ≈ 0).
///
/// λ is taken conservatively, so that the p-value errs towards "not significant":
/// - analytic model: the model's λ;
/// - empirical model, with survivors in the calibration sample: the upper 97.5 % confidence bound
///   of the sample's Poisson rate, scaled to the seed count (the sample's own error, not its point
///   estimate);
/// - empirical model, no survivor in the sample: the sample cannot resolve the rate, and the
///   expectation is the analytic model's rate (capped at the sample's 95 % bound, as
///   ``Sieve/ChanceExpectation`` reports it).
///
/// A trial *claims significance* when its p-value is below α / T, for T the trials of the run
/// (Bonferroni over the trials): the score's level is −log10(α / T).
public struct Significance: Sendable, Hashable, Codable {
    /// The confidence of the bound on an empirical rate.
    public static let empiricalConfidence = 0.975

    /// The bidirectional survivors observed.
    public let observed: Int
    /// The conservative expectation λ used for the p-value.
    public let expected: Double
    /// log10 of P(Poisson(λ) ≥ X); ≤ 0.
    public let log10PValue: Double
    /// −log10(α / T): the score at and above which a trial claims significance.
    public let level: Double

    /// −log10 p, the significance score (0 when nothing is surprising).
    public var score: Double { log10PValue == 0 ? 0 : -log10PValue }
    /// P(Poisson(λ) ≥ X) (it may underflow to 0 for very large scores; the score does not).
    public var pValue: Double { Foundation.pow(10, log10PValue) }
    /// Whether the trial claims significance: p < α / T.
    public var claims: Bool { score > level }

    public init(observed: Int, expected: Double, level: Double) {
        self.observed = observed
        self.expected = expected
        self.log10PValue = Poisson.log10UpperTail(atLeast: observed, mean: expected)
        self.level = level
    }

    /// The significance of `observed` bidirectional survivors against a sieve's chance expectation.
    public init(observed: Int, chance: ChanceExpectation, level: Double) {
        self.init(observed: observed, expected: Self.conservativeExpectation(chance), level: level)
    }

    private enum CodingKeys: String, CodingKey {
        case observed, expected, log10PValue = "log10_p", pValue = "p_value", score, level, claims = "claims_significance"
    }

    /// Records write the derived values too (for readers without this library); they are
    /// recomputed from the observed count, the expectation and the level when read.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(observed, forKey: .observed)
        try container.encode(JSONValue.number(expected), forKey: .expected)
        try container.encode(JSONValue.number(log10PValue), forKey: .log10PValue)
        try container.encode(JSONValue.number(pValue), forKey: .pValue)
        try container.encode(JSONValue.number(score), forKey: .score)
        try container.encode(level, forKey: .level)
        try container.encode(claims, forKey: .claims)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(observed: try container.decode(Int.self, forKey: .observed),
                  expected: try container.decode(Double.self, forKey: .expected),
                  level: try container.decode(Double.self, forKey: .level))
    }

    /// The level −log10(α / trials).
    public static func level(alpha: Double, trials: Int) -> Double {
        -Foundation.log10(alpha / Double(max(trials, 1)))
    }

    /// The expectation λ a p-value is computed against (see the type's description).
    public static func conservativeExpectation(_ chance: ChanceExpectation) -> Double {
        let test: ChanceExpectation.Test = chance.bidirectional != nil ? .bidirectional : .forward
        let mean = chance.expected(test) ?? 0
        guard chance.model == .empirical, let sample = chance.sampleSize, sample > 0,
              let count = chance.estimate(test)?.sampleCount, count > 0
        else { return mean }
        // The upper bound of the sample's Poisson mean.
        let bound = Poisson.upperConfidenceBound(count: count, confidence: empiricalConfidence)
        return max(mean, bound / Double(sample) * chance.seedCount)
    }
}

/// Poisson tails, in logarithms, stable from λ ≈ 0 to λ in the millions.
public enum Poisson {
    /// log10 P(Poisson(mean) ≥ count).
    public static func log10UpperTail(atLeast count: Int, mean: Double) -> Double {
        guard count > 0 else { return 0 }
        guard mean > 0 else { return -Double.infinity }
        return logLowerRegularizedGamma(Double(count), mean) / Foundation.log(10)
    }

    /// The λ at which P(Poisson(λ) ≤ count) = 1 − confidence: the one-sided upper confidence
    /// bound of a Poisson mean from an observed count.
    public static func upperConfidenceBound(count: Int, confidence: Double) -> Double {
        // P(Poisson(λ) ≤ c) = Q(c + 1, λ) falls from 1 to 0 as λ grows: bisect on λ.
        let target = 1 - confidence
        var low = Double(count)
        var high = Double(count) + 10 + 10 * Double(count).squareRoot()
        while upperRegularizedGamma(Double(count + 1), high) > target { high *= 2 }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if upperRegularizedGamma(Double(count + 1), middle) > target { low = middle } else { high = middle }
            if high - low <= 1e-12 * high { break }
        }
        return high
    }

    /// ln P(a, x), the regularized lower incomplete gamma function, which is P(Poisson(x) ≥ a) for
    /// integer a ≥ 1.
    static func logLowerRegularizedGamma(_ a: Double, _ x: Double) -> Double {
        if x < a + 1 {
            return logSeries(a, x)
        }
        // Above the mode the upper tail is small and the lower one near 1: ln(1 − Q).
        return Foundation.log1p(-upperRegularizedGamma(a, x))
    }

    /// Q(a, x) = 1 − P(a, x).
    static func upperRegularizedGamma(_ a: Double, _ x: Double) -> Double {
        if x < a + 1 { return -Foundation.expm1(logSeries(a, x)) }
        return Foundation.exp(logContinuedFraction(a, x))
    }

    /// ln P(a, x) by its power series, x^a e^−x / Γ(a+1) · Σ x^n / ((a+1)…(a+n)); for x < a + 1.
    static func logSeries(_ a: Double, _ x: Double) -> Double {
        var term = 1.0
        var sum = 1.0
        var n = 1.0
        while n < 100_000 {
            term *= x / (a + n)
            sum += term
            if term < sum * 1e-17 { break }
            n += 1
        }
        return a * Foundation.log(x) - x - Foundation.lgamma(a + 1) + Foundation.log(sum)
    }

    /// ln Q(a, x) by its continued fraction (modified Lentz); for x ≥ a + 1.
    static func logContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        var i = 1.0
        while i < 100_000 {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
            i += 1
        }
        return a * Foundation.log(x) - x - Foundation.lgamma(a) + Foundation.log(h)
    }
}
