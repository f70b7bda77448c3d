/// The parameters a sieve actually ran with, as every record of a sieve states them: the sweep's
/// identity (`sweep.json`), a search trial's record, and `optimize sieve --json`'s report.
///
/// Thresholds are kept as the decimals the user gave and as the match counts they imply (the
/// counts are what the kernels compare), so that a record says both what was asked and what ran.
///
/// ```swift
/// let effective = EffectiveSieveParameters(plan: plan)
/// effective.forwardMinMatches                     // ⌈τ·k⌉
/// ```
public struct EffectiveSieveParameters: Codable, Sendable, Equatable {
    /// The family and its parameters (defaults filled in).
    public struct PRNG: Codable, Sendable, Equatable {
        public let family: String
        public let parameters: [String: UInt64]
    }

    public let prng: PRNG
    public let modulus: UInt64
    public let window: Int
    public let offset: Int
    /// The reverse window's length, when a reverse test runs.
    public let reverseWindow: Int?
    public let skipMin: UInt32
    public let skipMax: UInt32
    public let burn: UInt64
    public let threshold: String
    public let forwardMinMatches: Int
    public let reverseThreshold: String?
    public let reverseMinMatches: Int?
    /// `forward-survivors` or `full-range`, when a reverse test runs outside reference mode.
    public let reverseScope: String?
    public let referenceMode: Bool

    /// The parameters `plan` runs with.
    public init(plan: SievePlan) {
        let p = plan.parameters
        prng = PRNG(family: p.prng.family.name, parameters: p.prng.parameters)
        modulus = p.modulus
        window = p.window
        offset = p.offset
        reverseWindow = p.hasReverse ? plan.reverseDraws.count : nil
        skipMin = p.skips.lowerBound
        skipMax = p.skips.upperBound
        burn = p.burn
        threshold = p.forwardThreshold.description
        forwardMinMatches = plan.forwardMinimum
        reverseThreshold = p.reverseThreshold?.description
        reverseMinMatches = plan.reverseMinimum
        reverseScope = p.hasReverse && !p.referenceMode ? p.reverseScope.rawValue : nil
        referenceMode = p.referenceMode
    }
}
