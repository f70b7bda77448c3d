import Foundation

/// How an axis maps data values to pixels, and where its ticks go.
///
/// ```swift
/// let scale = PlotScale(kind: .linear, domain: 0...141.5)
/// scale.ticks()  // [0, 20, 40, …, 140]
/// ```
public struct PlotScale: Sendable, Equatable {
    /// The mapping.
    public enum Kind: Sendable, Equatable {
        case linear
        /// Base 10; the domain must be positive.
        case logarithmic
    }

    public let kind: Kind
    /// The values the axis spans, after widening to its first and last tick.
    public let domain: ClosedRange<Double>

    /// A scale spanning `values` (widened to round ticks; a single value gets a unit around it).
    public init(kind: Kind, spanning values: [Double], including extra: [Double] = []) {
        let finite = (values + extra).filter { $0.isFinite && (kind == .linear || $0 > 0) }
        let low = finite.min() ?? (kind == .linear ? 0 : 1)
        let high = finite.max() ?? (kind == .linear ? 1 : 10)
        self.init(kind: kind, domain: low...high)
    }

    /// A scale over exactly `domain`, not widened to ticks (a categorical axis, a history's draws).
    public init(kind: Kind, exactly domain: ClosedRange<Double>) {
        self.kind = kind
        self.domain = domain
    }

    /// A scale over `domain`, widened to its first and last tick.
    public init(kind: Kind, domain: ClosedRange<Double>) {
        self.kind = kind
        switch kind {
        case .linear:
            var (low, high) = (domain.lowerBound, domain.upperBound)
            if low == high { (low, high) = (low - max(1, abs(low) * 0.1), high + max(1, abs(high) * 0.1)) }
            let step = Self.niceStep((high - low) / 5)
            self.domain = (floor(low / step) * step)...(ceil(high / step) * step)
        case .logarithmic:
            let low = floor(log10(domain.lowerBound)), high = ceil(log10(domain.upperBound))
            self.domain = pow(10, low)...pow(10, high == low ? low + 1 : high)
        }
    }

    /// 1, 2 or 5 (and with `allowingQuarters`, 2.5) times a power of ten, at least `rough`.
    static func niceStep(_ rough: Double, allowingQuarters: Bool = false) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let power = pow(10, floor(log10(rough)))
        let multiples: [Double] = allowingQuarters ? [1, 2, 2.5, 5, 10] : [1, 2, 5, 10]
        for multiple in multiples where multiple * power >= rough * 0.999_999 { return multiple * power }
        return 10 * power
    }

    /// Where `value` lies between the ends of the domain: 0 at the low end, 1 at the high end.
    public func fraction(_ value: Double) -> Double {
        switch kind {
        case .linear:
            return (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
        case .logarithmic:
            guard value > 0 else { return 0 }
            let low = log10(domain.lowerBound), high = log10(domain.upperBound)
            return (log10(value) - low) / (high - low)
        }
    }

    /// The tick values: round numbers on a linear axis, at most `maximum` powers of ten on a
    /// logarithmic one (every k-th when the span is wide).
    public func ticks(maximum: Int = 8) -> [Double] {
        switch kind {
        case .linear:
            let step = Self.niceStep((domain.upperBound - domain.lowerBound) / Double(max(1, maximum - 2)), allowingQuarters: true)
            var ticks: [Double] = []
            var index = (domain.lowerBound / step).rounded(.up)
            while index * step <= domain.upperBound + step * 1e-9 {
                ticks.append(abs(index * step) < step * 1e-9 ? 0 : index * step)
                index += 1
            }
            return ticks
        case .logarithmic:
            let low = Int(log10(domain.lowerBound).rounded()), high = Int(log10(domain.upperBound).rounded())
            let every = max(1, Int((Double(high - low) / Double(max(1, maximum - 1))).rounded(.up)))
            // From the top down, so that the decade of the largest values is always labelled.
            return stride(from: high, through: low, by: -every).reversed().map { pow(10, Double($0)) }
        }
    }

    /// A tick's label: the round number, or the power of ten ("1e-142").
    public func label(_ tick: Double) -> String {
        switch kind {
        case .linear:
            return Markup.label(tick)
        case .logarithmic:
            let exponent = Int(log10(tick).rounded())
            return (0...3).contains(exponent) ? String(Int(pow(10, Double(exponent)))) : "1e\(exponent)"
        }
    }
}
