import Foundation

/// Skip ranges as users write them (`--skip`): `a...b`, `a..b` or a single skip `a`.
public enum SkipRangeText {
    /// The range of skips.
    ///
    /// - Throws: ``InputError`` (``InputError/Kind/invalidSkipRange``) for text of none of these
    ///   forms, a bound that is not a 32-bit unsigned integer, or a low bound above the high one.
    public static func parse(_ text: String) throws(InputError) -> ClosedRange<UInt32> {
        let parts: [String]
        if text.contains("...") {
            parts = text.components(separatedBy: "...")
        } else if text.contains("..") {
            parts = text.components(separatedBy: "..")
        } else {
            parts = [text, text]
        }
        guard parts.count == 2, let low = UInt32(parts[0].trimmingCharacters(in: .whitespaces)),
              let high = UInt32(parts[1].trimmingCharacters(in: .whitespaces))
        else {
            throw InputError(.invalidSkipRange, source: "--skip", problem: "'\(text)' is not a skip range",
                             fix: "write skip_min...skip_max, such as 0...16, or a single skip")
        }
        guard low <= high else {
            throw InputError(.invalidSkipRange, source: "--skip", problem: "skip_min \(low) is above skip_max \(high)",
                             fix: "write the smaller skip first: \(high)...\(low)")
        }
        return low...high
    }
}
