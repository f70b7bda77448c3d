import Foundation
@testable import Sieve
import Testing
@testable import WindowSearch

@Suite("Significance: Poisson tails and the score")
struct SignificanceTests {
    /// P(Poisson(λ) ≥ x) by direct summation, for checking.
    func directTail(_ x: Int, _ lambda: Double) -> Double {
        var term = exp(-lambda)
        var below = 0.0
        for k in 0..<x {
            below += term
            term *= lambda / Double(k + 1)
        }
        return max(0, 1 - below)
    }

    @Test("upper tails agree with direct summation where it is accurate")
    func tailsAgree() {
        for lambda in [0.01, 0.3, 1, 2.5, 7, 20, 55] {
            for x in [1, 2, 3, 5, 8, 13, 30, 60] {
                let direct = directTail(x, lambda)
                guard direct > 1e-10 else { continue }
                let computed = pow(10, Poisson.log10UpperTail(atLeast: x, mean: lambda))
                #expect(abs(computed - direct) <= 1e-9 + 1e-7 * direct, "x=\(x) λ=\(lambda): \(computed) vs \(direct)")
            }
        }
    }

    @Test("tiny expectations: P(X ≥ 1) ≈ λ and P(X ≥ x) ≈ λ^x / x!")
    func tinyExpectations() {
        #expect(abs(Poisson.log10UpperTail(atLeast: 1, mean: 1e-40) - -40) < 1e-9)
        let expected = 3 * log10(1e-20) - log10(6.0)
        #expect(abs(Poisson.log10UpperTail(atLeast: 3, mean: 1e-20) - expected) < 1e-9)
        #expect(Poisson.log10UpperTail(atLeast: 0, mean: 5) == 0)
        #expect(Poisson.log10UpperTail(atLeast: 1, mean: 0) == -.infinity)
    }

    @Test("large expectations: stable around the mean and far in the tail")
    func largeExpectations() {
        // Near the mean of Poisson(10^6) the tail is about one half.
        let half = pow(10, Poisson.log10UpperTail(atLeast: 1_000_000, mean: 1_000_000))
        #expect(abs(half - 0.4997) < 0.001)
        // 10 standard deviations above: ~ 1e-23 (normal approximation 7.6e-24, Poisson skew raises it).
        let far = Poisson.log10UpperTail(atLeast: 1_010_000, mean: 1_000_000)
        #expect(far < -21 && far > -25, "\(far)")
        // Below the mean: close to 1.
        #expect(Poisson.log10UpperTail(atLeast: 990_000, mean: 1_000_000) > -1e-10)
    }

    @Test("upper confidence bounds of a Poisson mean")
    func confidenceBounds() {
        // Known values: c = 0 → −ln(0.025) = 3.689; c = 1 → 5.572; c = 10 → 18.39 (97.5 %, half of χ²(0.975; 22)).
        #expect(abs(Poisson.upperConfidenceBound(count: 0, confidence: 0.975) - 3.6889) < 1e-3)
        #expect(abs(Poisson.upperConfidenceBound(count: 1, confidence: 0.975) - 5.5716) < 1e-3)
        #expect(abs(Poisson.upperConfidenceBound(count: 10, confidence: 0.975) - 18.3904) < 1e-3)
    }

    @Test("the level is −log10(α / trials); a trial claims significance above it")
    func level() {
        #expect(abs(Significance.level(alpha: 0.01, trials: 50) - (2 + log10(50))) < 1e-12)
        let planted = Significance(observed: 1, expected: 1e-9, level: Significance.level(alpha: 0.01, trials: 50))
        #expect(planted.claims)
        #expect(abs(planted.score - 9) < 1e-6)
        let noise = Significance(observed: 100, expected: 100, level: 3.7)
        #expect(!noise.claims)
        #expect(noise.score < 0.5)
        #expect(Significance(observed: 0, expected: 1e-30, level: 3).score == 0)
    }

    @Test("empirical expectations use the sample's upper confidence bound")
    func conservativeExpectation() {
        // The sample saw 4 survivors in 2^20 seeds; the sweep covers 2^22.
        let sample = 1 << 20
        let rate = 4 / Double(sample)
        let chance = ChanceExpectation(
            model: .empirical, forward: .init(rate: 0.5, error: 0.001, sampleCount: 524_288), reverse: nil,
            bidirectional: .init(rate: rate, error: (rate * (1 - rate) / Double(sample)).squareRoot(), sampleCount: 4),
            sampleSize: sample, reason: "test", seedCount: Double(1 << 22))
        // λ = χ²(0.975; 10) / 2 · 2^22 / 2^20 = 10.2415886754037 · 4, computed independently (scipy's χ²
        // quantile and mpmath's incomplete gamma agree) by Scripts/golden/significance_expectations.py;
        // the point estimate, 4 / 2^20 · 2^22 = 16, is not conservative.
        let bound = 40.966354701614776
        #expect(abs(Significance.conservativeExpectation(chance) - bound) < 1e-9, "\(Significance.conservativeExpectation(chance))")
        #expect(Significance.conservativeExpectation(chance) > chance.expected(.bidirectional)!)
        // No survivor in the sample: the reported (analytic) expectation.
        let none = ChanceExpectation(
            model: .empirical, forward: .init(rate: 0.5, error: 0.001, sampleCount: 524_288), reverse: nil,
            bidirectional: .init(rate: 1e-12, error: 3 / Double(sample), sampleCount: 0),
            sampleSize: sample, reason: "test", seedCount: Double(1 << 22))
        #expect(Significance.conservativeExpectation(none) == none.expected(.bidirectional)!)
    }
}
