import Sieve
import FuzzSupport

/// The command line's integer and range parsers on fuzzed text: UnsignedIntegerText.parse (what
/// parses prints back, in decimal and in hexadecimal, to an equal value), SeedRange.parse for
/// every family (what parses prints back, as its description, to an equal range within the
/// family's seeds), SkipRangeText.parse (`--skip`: low ≤ high, printed back equal) and
/// Threshold(fraction:) (within [0, 1], its text parses again to the same threshold).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: fuzzBytes(start, count), as: UTF8.self)

    if let value = UnsignedIntegerText.parse(text) {
        fuzzCheck(UnsignedIntegerText.parse(String(value)) == value, "\(value) (from '\(text)') does not print back")
        fuzzCheck(UnsignedIntegerText.parse("0x" + String(value, radix: 16)) == value, "\(value) does not print back in hexadecimal")
    }

    for family in PRNGFamily.all {
        guard let range = try? SeedRange.parse(text, family: family) else { continue }
        fuzzCheck(range.first <= range.last && range.last <= family.maxSeed, "\(range) is outside \(family.name)'s seeds")
        guard let again = try? SeedRange.parse(range.description, family: family) else {
            fuzzFailure("\(range.description) (from '\(text)') does not parse for \(family.name)")
        }
        fuzzCheck(again == range, "\(range.description) reads as \(again)")
    }

    if let skips = try? SkipRangeText.parse(text) {
        fuzzCheck(skips.lowerBound <= skips.upperBound, "skip range \(skips)")
        guard let again = try? SkipRangeText.parse("\(skips.lowerBound)...\(skips.upperBound)") else {
            fuzzFailure("skip range \(skips) (from '\(text)') does not print back")
        }
        fuzzCheck(again == skips, "skip range \(skips) reads back as \(again)")
    }

    if let threshold = try? Threshold(fraction: text) {
        guard case .fraction(let written, let numerator, let scale) = threshold else {
            fuzzFailure("'\(text)' reads as \(threshold), not a fraction")
        }
        var one: UInt64 = 1
        for _ in 0..<scale { one *= 10 }
        fuzzCheck(numerator <= one, "\(numerator)/10^\(scale) (from '\(text)') is above 1")
        guard let again = try? Threshold(fraction: written) else { fuzzFailure("threshold \(written) does not parse again") }
        fuzzCheck(again == threshold, "threshold \(written) reads back as \(again)")
        for window in [1, 7, 100] {
            for referenceRule in [false, true] {
                let matches = threshold.minimumMatches(window: window, referenceRule: referenceRule)
                fuzzCheck(matches >= 0 && matches <= window, "threshold \(written) needs \(matches) of \(window) matches")
            }
        }
    }
    return 0
}
