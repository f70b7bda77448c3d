/// Everything that defines a sieve, as the user chose it (docs/semantics.md §2–7).
///
/// ```swift
/// var parameters = SieveParameters(prng: PRNGConfiguration(.java_lcg), window: 10, offset: 10,
///                                  skips: 0...6, forwardThreshold: try Threshold(fraction: "0.5"))
/// parameters.reverseThreshold = .matches(5)   // test the 10 draws before the window too
/// let plan = try SievePlan(parameters: parameters, residues: history)
/// ```
public struct SieveParameters: Sendable, Hashable {
    /// Where the reverse test is evaluated.
    public enum ReverseScope: String, Sendable, Hashable, Codable {
        /// Only where the forward test passes (the default; it gives the same bidirectional set).
        case forwardSurvivors = "forward-survivors"
        /// Over every seed and skip, to report reverse-only survivors too.
        case fullRange = "full-range"
    }

    public var prng: PRNGConfiguration
    /// M: draws are outputs mod M, 2 ... 2^32.
    public var modulus: UInt64
    /// k: draws in the forward window.
    public var window: Int
    /// o: index of the forward window's first draw in the (filtered) history.
    public var offset: Int
    /// kr: draws in the reverse window, the kr draws before the forward one; `nil` means k.
    public var reverseWindow: Int?
    /// The constant skips tested, each draw consuming s discarded outputs and one compared.
    public var skips: ClosedRange<UInt32>
    /// b: outputs discarded after seeding, before the history's first draw.
    public var burn: UInt64
    public var forwardThreshold: Threshold
    /// The reverse test's threshold; `nil` runs no reverse test.
    public var reverseThreshold: Threshold?
    public var reverseScope: ReverseScope
    /// The reference system's semantics (docs/semantics.md §7).
    public var referenceMode: Bool

    public init(
        prng: PRNGConfiguration, modulus: UInt64 = 1000, window: Int, offset: Int, reverseWindow: Int? = nil,
        skips: ClosedRange<UInt32>, burn: UInt64 = 0, forwardThreshold: Threshold, reverseThreshold: Threshold? = nil,
        reverseScope: ReverseScope = .forwardSurvivors, referenceMode: Bool = false
    ) {
        self.prng = prng
        self.modulus = modulus
        self.window = window
        self.offset = offset
        self.reverseWindow = reverseWindow
        self.skips = skips
        self.burn = burn
        self.forwardThreshold = forwardThreshold
        self.reverseThreshold = reverseThreshold
        self.reverseScope = reverseScope
        self.referenceMode = referenceMode
    }

    /// Whether a reverse test runs.
    public var hasReverse: Bool { reverseThreshold != nil }
}
