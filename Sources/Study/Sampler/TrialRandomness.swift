
/// The randomness of one trial, derived from the study's seed and the trial's number alone.
///
/// A study never draws from one long stream: trial n's generator is SplitMix64 seeded with
///
///     key     = SplitMix64(seed: studySeed).next()
///     seed(n) = SplitMix64(seed: key ^ n).next()
///
/// so the proposal for trial n does not depend on how many numbers earlier trials drew, on which
/// process asked for them, or on whether the study was resumed in between. The two finalisations
/// keep the generators of neighbouring trials (and of neighbouring study seeds) unrelated, which
/// seeding with `studySeed + n` would not: SplitMix64's streams from seeds one increment apart are
/// the same stream shifted by one.
///
/// The startup trials' Latin hypercube is drawn from the generator of "trial −1" (n = 2⁶⁴ − 1),
/// which no trial uses, so every startup trial reads the same design.
///
/// ```swift
/// var random = TrialRandomness.generator(seed: 42, trial: 7)
/// let u = random.nextUnit()                      // in (0, 1)
/// ```
public enum TrialRandomness {
    /// The generator of trial `trial` in a study seeded with `seed`.
    public static func generator(seed: UInt64, trial: Int) -> SplitMix64 {
        var keyGenerator = SplitMix64(seed: seed)
        let key = keyGenerator.next()
        var trialGenerator = SplitMix64(seed: key ^ UInt64(truncatingIfNeeded: trial))
        return SplitMix64(seed: trialGenerator.next())
    }
}

extension SplitMix64 {
    /// A uniform double in the open interval (0, 1), with 53 random bits: never 0 or 1, so that
    /// inverse CDFs stay finite.
    mutating func nextUnit() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }
}
