import Foundation
import Testing
@testable import Study

@Suite("Gaussian numerics")
struct GaussianTests {
    @Test("log Φ agrees with erfc where erfc is exact, and stays finite and smooth deep in the tail")
    func logCDF() {
        for x in stride(from: -30.0, through: 8, by: 0.37) {
            let direct = log(0.5 * erfc(-x / 2.0.squareRoot()))
            #expect(abs(Gaussian.logCDF(x) - direct) <= 1e-12 * max(1, abs(direct)), "x = \(x)")
        }
        // Past erfc's underflow: the asymptote −x²/2 − log(−x) − log √(2π), and monotone.
        var previous = -Double.infinity
        for x in stride(from: -200.0, through: -20, by: 0.5) {
            let value = Gaussian.logCDF(x)
            #expect(value.isFinite && value > previous)
            #expect(abs(value - (-0.5 * x * x - log(-x) - Gaussian.logSqrtTwoPi)) < 1 / (x * x) * 1.01)
            previous = value
        }
    }

    @Test("log(Φ(b) − Φ(a)) is exact in the middle and in both tails, and symmetric")
    func logMass() {
        #expect(abs(Gaussian.logMass(-1, 1) - log(erf(1 / 2.0.squareRoot()))) < 1e-14)
        #expect(Gaussian.logMass(1, 1) == -.infinity)
        for (a, b) in [(3.0, 4.0), (10.0, 10.5), (40.0, 41.0), (-0.5, 60.0), (0, 1e-9)] {
            #expect(abs(Gaussian.logMass(a, b) - Gaussian.logMass(-b, -a)) < 1e-12 * max(1, abs(Gaussian.logMass(a, b))))
        }
        // Right tail against the upper-tail series: Q(a)(1 − e^{−Δ}) with Q from erfc.
        let direct = log(0.5 * erfc(10 / 2.0.squareRoot()) - 0.5 * erfc(10.5 / 2.0.squareRoot()))
        #expect(abs(Gaussian.logMass(10, 10.5) - direct) < 1e-12 * abs(direct))
        #expect(Gaussian.logMass(40, 41).isFinite)
    }

    @Test("the quantile inverts Φ to full precision")
    func quantile() {
        for p in [1e-300, 1e-20, 1e-5, 0.01, 0.024, 0.025, 0.2, 0.4999, 0.5] {
            let x = Gaussian.lowerQuantile(p)
            let back = 0.5 * erfc(-x / 2.0.squareRoot())
            #expect(abs(back - p) <= 1e-13 * p, "p = \(p)")
        }
    }

    @Test("truncated draws stay in bounds and follow the truncated CDF")
    func truncated() {
        for (a, b) in [(-1.0, 1.0), (-3.0, 0.5), (0.5, 3.0), (-0.2, 40.0), (2.0, 2.5), (-40.0, -39.0)] {
            var previous = -Double.infinity
            for step in 1..<50 {
                let u = Double(step) / 50
                let z = Gaussian.truncatedQuantile(u, a, b)
                #expect(z >= a && z <= b)
                #expect(z >= previous, "quantiles increase with u")
                previous = z
                // P(a ≤ Z ≤ z) / P(a ≤ Z ≤ b) = u.
                let fraction = exp(Gaussian.logMass(a, z) - Gaussian.logMass(a, b))
                #expect(abs(fraction - u) < 1e-9, "a \(a) b \(b) u \(u)")
            }
        }
    }
}
