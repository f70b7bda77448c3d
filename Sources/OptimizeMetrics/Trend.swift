/// Whether a measurement moved: its recent window against the window before it, and "stable" when
/// the difference is within the noise of the measurements.
///
/// **The rule.** Of an agent's values in the order they were recorded (oldest first), the recent
/// window R is the last ``window`` (5) and the previous window P the up to 5 before it. With fewer
/// than 2 values in either window the trend is `unknown` (?). Otherwise, with the windows' means
/// m_R and m_P and sample variances s²_R and s²_P (divided by n − 1), the difference d = m_R − m_P
/// has the standard error SE = √(s²_R / n_R + s²_P / n_P) (Welch's), and the trend is `stable` (→)
/// when |d| ≤ max(k·SE, floor) with k = 2, else `up` (↑) when d > 0 and `down` (↓) when d < 0.
/// The floor keeps a difference below what matters from being called a trend when the values
/// barely vary (identical values have SE = 0): 0.05 for the success rate (OPERATIONS.md §4's rule),
/// and 1 % of |m_P| for quality scores and execution times.
///
/// ```swift
/// Trend(values: [10, 10, 10, 10, 10, 12, 12, 12, 12, 12], floor: .relative(0.01)).direction  // .up
/// ```
public struct Trend: Codable, Sendable, Equatable {
    /// Which way the recent window moved.
    public enum Direction: String, Codable, Sendable {
        case up, down, stable, unknown

        /// ↑ ↓ → ?, as the Markdown summary shows them.
        public var arrow: String {
            switch self {
            case .up: "↑"
            case .down: "↓"
            case .stable: "→"
            case .unknown: "?"
            }
        }
    }

    /// The smallest difference that can count as a trend, whatever the noise.
    public enum Floor: Sendable {
        /// In the measurement's units (0.05 for a success rate).
        case absolute(Double)
        /// As a fraction of the previous window's mean's magnitude.
        case relative(Double)
    }

    /// The values in each window.
    public static let window = 5
    /// Standard errors within which a difference is noise.
    public static let standardErrors = 2.0

    public var direction: Direction
    public var arrow: String
    /// m_R, m_P and d = m_R − m_P; nil when unknown.
    public var recentMean: Double?
    public var previousMean: Double?
    public var difference: Double?
    /// SE of d (Welch's); nil when unknown.
    public var standardError: Double?
    /// max(k·SE, floor): the largest |d| that is stable; nil when unknown.
    public var threshold: Double?
    public var recentCount: Int
    public var previousCount: Int

    /// The trend of `values` (oldest first) under the rule above.
    public init(values: [Double], floor: Floor) {
        let recent = Array(values.suffix(Self.window))
        let previous = Array(values.dropLast(recent.count).suffix(Self.window))
        recentCount = recent.count
        previousCount = previous.count
        guard recent.count >= 2, previous.count >= 2 else {
            direction = .unknown
            arrow = Direction.unknown.arrow
            return
        }
        let (mR, vR) = Self.meanAndVariance(recent)
        let (mP, vP) = Self.meanAndVariance(previous)
        let d = mR - mP
        let se = (vR / Double(recent.count) + vP / Double(previous.count)).squareRoot()
        let minimum = switch floor {
        case .absolute(let value): value
        case .relative(let fraction): fraction * abs(mP)
        }
        let limit = max(Self.standardErrors * se, minimum)
        recentMean = mR
        previousMean = mP
        difference = d
        standardError = se
        threshold = limit
        direction = abs(d) <= limit ? .stable : d > 0 ? .up : .down
        arrow = direction.arrow
    }

    /// The mean and the sample variance (divided by n − 1) of at least two values.
    static func meanAndVariance(_ values: [Double]) -> (mean: Double, variance: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (mean, squares / Double(values.count - 1))
    }
}
