import Sieve

extension TrialParameters {
    /// The sieve's parameters for these trial parameters: the one place where a trial (or a
    /// campaign's champion) becomes a sieve, so that a search and a campaign sieve alike.
    ///
    /// - Parameters:
    ///   - configuration: the family configuration of ``prng``.
    ///   - modulus: M of the history.
    ///   - fullReverse: test the reverse window over every seed.
    ///   - referenceMode: the reference system's semantics.
    /// - Returns: the parameters; the caller checks `skipMin <= skipMax` first.
    /// - Throws: ``InputError`` for a threshold that is not a fraction.
    public func sieveParameters(configuration: PRNGConfiguration, modulus: UInt64, fullReverse: Bool = false,
                                referenceMode: Bool = false) throws(InputError) -> SieveParameters {
        SieveParameters(
            prng: configuration, modulus: modulus, window: windowSize, offset: offset,
            skips: UInt32(skipMin)...UInt32(skipMax), burn: UInt64(burn),
            forwardThreshold: try Threshold(fraction: forwardThreshold, option: "forward_threshold"),
            reverseThreshold: try Threshold(fraction: reverseThreshold, option: "reverse_threshold"),
            reverseScope: fullReverse ? .fullRange : .forwardSurvivors, referenceMode: referenceMode)
    }
}
