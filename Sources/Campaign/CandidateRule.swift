import Foundation
import Sieve

/// When a survivor is a candidate (docs/operations.md §2, "Candidates"): its matches are
/// significant at the campaign's level against every hypothesis the cycle tested.
///
/// A survivor with `m` matches over the `n` draws of its windows (forward and reverse; the forward
/// window alone in reference mode or without a reverse test: ``Evidence``) has
/// p = P(X ≥ m), X ~ Binomial(n, 1/M): each draw matches a wrong seed's output with probability
/// 1/M (outputs uniform over far more than M values). The cycle tested H = seeds × skips
/// hypotheses; Bonferroni over them makes the survivor a candidate when p · H < α.
public struct CandidateRule: Sendable, Equatable {
    /// Which test a genuine seed passes, and so which matches make the evidence.
    public enum Evidence: Sendable, Equatable {
        /// Both windows at one skip (docs/semantics.md §4): the forward and reverse matches.
        case bidirectional
        /// The forward window: a sieve without a reverse test, or reference mode, whose reverse
        /// test reads the window backwards (docs/semantics.md §7), which a genuine seed does not
        /// pass in general.
        case forward

        public init(_ plan: SievePlan) {
            self = plan.parameters.hasReverse && !plan.parameters.referenceMode ? .bidirectional : .forward
        }
    }

    public let alpha: Double
    public let modulus: UInt64
    /// H: seeds × skips of the cycle.
    public let hypotheses: Double

    public init(alpha: Double, modulus: UInt64, seeds: UInt128, skips: Int) {
        self.alpha = alpha
        self.modulus = modulus
        self.hypotheses = Double(seeds) * Double(max(skips, 1))
    }

    /// log10 P(Binomial(n, 1/M) ≥ m).
    public func log10PValue(matches m: Int, draws n: Int) -> Double {
        Self.log10BinomialUpperTail(atLeast: m, trials: n, probability: 1 / Double(modulus))
    }

    /// Whether `m` of `n` matching draws make a candidate: log10 p + log10 H < log10 α.
    public func passes(matches m: Int, draws n: Int) -> Bool {
        log10PValue(matches: m, draws: n) + Foundation.log10(hypotheses) < Foundation.log10(alpha)
    }

    /// log10 P(X ≥ m) for X ~ Binomial(n, p), summed in logarithms (stable for tails far below
    /// Double's range).
    public static func log10BinomialUpperTail(atLeast m: Int, trials n: Int, probability p: Double) -> Double {
        guard m > 0 else { return 0 }
        guard m <= n, p > 0 else { return -.infinity }
        let logP = Foundation.log(p), logQ = Foundation.log1p(-p)
        let logN: Double = Foundation.lgamma(Double(n + 1))
        var terms: [Double] = []
        for k in m...n {
            let chosen: Double = Foundation.lgamma(Double(k + 1))
            let rest: Double = Foundation.lgamma(Double(n - k + 1))
            let powers: Double = Double(k) * logP + Double(n - k) * logQ
            terms.append(logN - chosen - rest + powers)
        }
        let top = terms.max()!
        let sum = terms.reduce(0) { $0 + Foundation.exp($1 - top) }
        return min(0, (top + Foundation.log(sum)) / Foundation.log(10))
    }
}
