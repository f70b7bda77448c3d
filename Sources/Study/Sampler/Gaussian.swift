import Foundation

/// The standard normal distribution's numerics, stable far into the tails: the TPE evaluates
/// kernels many widths away from their centres, where Φ itself underflows.
enum Gaussian {
    static let logSqrtTwoPi = 0.5 * Foundation.log(2 * Double.pi)

    /// log Φ(x), the log of the standard normal CDF.
    static func logCDF(_ x: Double) -> Double {
        if x >= 0 { return Foundation.log1p(-0.5 * erfc(x / 2.0.squareRoot())) }
        if x > -25 { return Foundation.log(0.5 * erfc(-x / 2.0.squareRoot())) }
        // Φ(x) = φ(x)/(−x) · (1 − 1/x² + 3/x⁴ − 15/x⁶ + 105/x⁸ − …): erfc underflows past x ≈ −37,
        // and at x ≤ −25 the series' next term is below 1e-12.
        let inverseSquare = 1 / (x * x)
        let series = 1 - inverseSquare * (1 - inverseSquare * (3 - inverseSquare * (15 - 105 * inverseSquare)))
        return -0.5 * x * x - Foundation.log(-x) - logSqrtTwoPi + Foundation.log(series)
    }

    /// log(Φ(b) − Φ(a)) for a ≤ b, computed in whichever tail keeps its digits.
    static func logMass(_ a: Double, _ b: Double) -> Double {
        guard a < b else { return -.infinity }
        if a >= 0 {
            // Both in the right tail: Φ(b) − Φ(a) = Φ(−a) − Φ(−b).
            let upper = logCDF(-a)
            return upper + logOneMinusExp(logCDF(-b) - upper)
        }
        if b <= 0 {
            let upper = logCDF(b)
            return upper + logOneMinusExp(logCDF(a) - upper)
        }
        let outside = 0.5 * erfc(-a / 2.0.squareRoot()) + 0.5 * erfc(b / 2.0.squareRoot())
        return Foundation.log1p(-outside)
    }

    /// log(1 − eᵗ) for t ≤ 0.
    static func logOneMinusExp(_ t: Double) -> Double {
        if t == -.infinity { return 0 }
        return t > -0.693_147_180_559_945_3 ? Foundation.log(-Foundation.expm1(t)) : Foundation.log1p(-Foundation.exp(t))
    }

    /// Φ⁻¹(p) for 0 < p ≤ ½: Acklam's rational approximation (relative error 1.2e-9), then one
    /// Halley step on erfc, which brings it to full double precision.
    static func lowerQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p <= 0.5)
        var x: Double
        if p < 0.024_25 {
            let q = (-2 * Foundation.log(p)).squareRoot()
            x = (((((-7.784_894_002_430_293e-03 * q - 3.223_964_580_411_365e-01) * q - 2.400_758_277_161_838) * q
                - 2.549_671_010_995_650) * q + 4.374_664_141_464_968) * q + 2.938_163_982_698_783)
                / ((((7.784_695_709_041_462e-03 * q + 3.224_671_290_700_398e-01) * q + 2.445_134_137_142_996) * q
                    + 3.754_408_661_907_416) * q + 1)
        } else {
            let q = p - 0.5
            let r = q * q
            x = (((((-3.969_683_028_665_376e+01 * r + 2.209_460_984_245_205e+02) * r - 2.759_285_104_469_687e+02) * r
                + 1.383_577_518_672_690e+02) * r - 3.066_479_806_614_716e+01) * r + 2.506_628_277_459_239) * q
                / (((((-5.447_609_879_822_406e+01 * r + 1.615_858_368_580_409e+02) * r - 1.556_989_798_598_866e+02) * r
                    + 6.680_131_188_771_972e+01) * r - 1.328_068_155_288_572e+01) * r + 1)
        }
        let error = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let step = error * (2 * Double.pi).squareRoot() * Foundation.exp(0.5 * x * x)
        x -= step / (1 + 0.5 * x * step)
        return x
    }

    /// A draw from N(0, 1) truncated to [a, b] by inverse CDF, at quantile `u` ∈ (0, 1).
    static func truncatedQuantile(_ u: Double, _ a: Double, _ b: Double) -> Double {
        guard a < b else { return a }
        if a >= 0 { return tailQuantile(u, a, b) }
        if b <= 0 { return -tailQuantile(1 - u, -b, -a) }
        // Straddling 0: the lower and upper tail probabilities of the point, each computed directly
        // so that neither loses digits to a subtraction from 1.
        let belowA = 0.5 * erfc(-a / 2.0.squareRoot())
        let aboveB = 0.5 * erfc(b / 2.0.squareRoot())
        let mass = 1 - belowA - aboveB
        let lower = belowA + u * mass
        let upper = aboveB + (1 - u) * mass
        let z = lower <= 0.5 ? lowerQuantile(max(lower, .leastNonzeroMagnitude)) : -lowerQuantile(max(min(upper, 0.5), .leastNonzeroMagnitude))
        return min(max(z, a), b)
    }

    /// The quantile `u` of N(0, 1) truncated to [a, b] with 0 ≤ a, in log space: the upper tail
    /// Q(z) = Q(a) − u·(Q(a) − Q(b)) can be far below the smallest double.
    private static func tailQuantile(_ u: Double, _ a: Double, _ b: Double) -> Double {
        let logTailA = logCDF(-a)
        let target = logTailA + Foundation.log1p(-u * -Foundation.expm1(logCDF(-b) - logTailA))
        var z: Double
        if target > -700 {
            let tail = Foundation.exp(target)
            z = tail <= 0.5 ? -lowerQuantile(tail) : lowerQuantile(1 - tail)
        } else {
            // Newton on log Q(z) = target; d/dz log Q(z) = −φ(z)/Q(z).
            z = (-2 * target).squareRoot()
            for _ in 0..<50 {
                let logTail = logCDF(-z)
                let slope = -Foundation.exp(-0.5 * z * z - logSqrtTwoPi - logTail)
                let next = z - (logTail - target) / slope
                if abs(next - z) <= 1e-15 * z { z = next; break }
                z = next
            }
        }
        return min(max(z, a), b)
    }

    /// log-sum-exp of `values`, −∞ for none.
    static func logSumExp(_ values: UnsafeBufferPointer<Double>) -> Double {
        var maximum = -Double.infinity
        for value in values where value > maximum { maximum = value }
        guard maximum > -.infinity else { return -.infinity }
        var sum = 0.0
        for value in values { sum += Foundation.exp(value - maximum) }
        return maximum + Foundation.log(sum)
    }
}
