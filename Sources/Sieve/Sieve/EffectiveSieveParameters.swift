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

    private enum CodingKeys: String, CodingKey {
        case prng, prngParameters, modulus, window, offset, reverseWindow, skipMin, skipMax, burn, threshold
        case forwardMinMatches, reverseThreshold, reverseMinMatches, reverseScope, referenceMode
    }

    // A search trial's record of version 0.1.0 wrote the family as a string beside `prng_parameters`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let family = try? container.decode(String.self, forKey: .prng) {
            prng = PRNG(family: family, parameters: try container.decodeIfPresent([String: UInt64].self, forKey: .prngParameters) ?? [:])
        } else {
            prng = try container.decode(PRNG.self, forKey: .prng)
        }
        modulus = try container.decode(UInt64.self, forKey: .modulus)
        window = try container.decode(Int.self, forKey: .window)
        offset = try container.decode(Int.self, forKey: .offset)
        reverseWindow = try container.decodeIfPresent(Int.self, forKey: .reverseWindow)
        skipMin = try container.decode(UInt32.self, forKey: .skipMin)
        skipMax = try container.decode(UInt32.self, forKey: .skipMax)
        burn = try container.decode(UInt64.self, forKey: .burn)
        threshold = try container.decode(String.self, forKey: .threshold)
        forwardMinMatches = try container.decode(Int.self, forKey: .forwardMinMatches)
        reverseThreshold = try container.decodeIfPresent(String.self, forKey: .reverseThreshold)
        reverseMinMatches = try container.decodeIfPresent(Int.self, forKey: .reverseMinMatches)
        reverseScope = try container.decodeIfPresent(String.self, forKey: .reverseScope)
        referenceMode = try container.decode(Bool.self, forKey: .referenceMode)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(prng, forKey: .prng)
        try container.encode(modulus, forKey: .modulus)
        try container.encode(window, forKey: .window)
        try container.encode(offset, forKey: .offset)
        try container.encodeIfPresent(reverseWindow, forKey: .reverseWindow)
        try container.encode(skipMin, forKey: .skipMin)
        try container.encode(skipMax, forKey: .skipMax)
        try container.encode(burn, forKey: .burn)
        try container.encode(threshold, forKey: .threshold)
        try container.encode(forwardMinMatches, forKey: .forwardMinMatches)
        try container.encodeIfPresent(reverseThreshold, forKey: .reverseThreshold)
        try container.encodeIfPresent(reverseMinMatches, forKey: .reverseMinMatches)
        try container.encodeIfPresent(reverseScope, forKey: .reverseScope)
        try container.encode(referenceMode, forKey: .referenceMode)
    }

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
