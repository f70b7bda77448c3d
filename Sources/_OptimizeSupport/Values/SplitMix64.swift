/// SplitMix64 (Steele, Lea and Flood, 2014): a small, well-mixed, seeded generator for the
/// tool's own randomness (noise in planted histories, test cases). It is not one of the sieved
/// families, and its stream is part of what a noise seed means, so it never changes.
///
/// ```swift
/// var random = SplitMix64(seed: 7)
/// let index = random.below(100)                 // uniform in 0 ..< 100
/// let value = UInt64.random(in: 1...6, using: &random)
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0 ..< bound` (bound > 0), without modulo bias (rejection sampling),
    /// with a definition that does not depend on the standard library's algorithms.
    public mutating func below(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0)
        let limit = UInt64.max - UInt64.max % bound  // values >= limit would bias the remainder
        while true {
            let value = next()
            if value < limit { return value % bound }
        }
    }
}
