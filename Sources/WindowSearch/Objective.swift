import Foundation

/// What a trial's score measures; the search maximises it.
public enum Objective: Sendable, Hashable, CustomStringConvertible {
    /// −log10 P(Poisson(λ) ≥ X): how far the bidirectional survivors exceed chance (``Significance``).
    case significance
    /// X, the bidirectional count: the reference's objective, which favours the smallest windows.
    case count
    /// 0 when X lies in `low ... high`, else −|log10((X + 1) / (edge + 1))| for the nearer edge:
    /// windows that keep a chosen number of survivors.
    case band(low: Int, high: Int)

    public var name: String {
        switch self {
        case .significance: "significance"
        case .count: "count"
        case .band: "band"
        }
    }

    public var description: String {
        if case .band(let low, let high) = self { return "band \(low)...\(high)" }
        return name
    }

    /// The score of a trial with `observed` bidirectional survivors.
    public func score(observed: Int, significance: Significance) -> Double {
        switch self {
        case .significance:
            return significance.score
        case .count:
            return Double(observed)
        case .band(let low, let high):
            if (low...high).contains(observed) { return 0 }
            let edge = observed < low ? low : high
            return -abs(Foundation.log10(Double(observed + 1) / Double(edge + 1)))
        }
    }
}
