import Foundation

/// A sieve threshold: a fraction τ of the window, or a match count given directly.
///
/// The fraction is kept as the decimal the user wrote and turned into a count exactly: ⌈τ·k⌉ in
/// integers (docs/semantics.md §3), never through a binary float. Reference mode instead applies the
/// reference system's float32 rule (docs/semantics.md §7).
///
/// ```swift
/// let t = try Threshold(fraction: "0.7")
/// t.minimumMatches(window: 10)                     // 7
/// try Threshold(fraction: "0.33333334").minimumMatches(window: 3)                      // 2
/// try Threshold(fraction: "0.33333334").minimumMatches(window: 3, referenceRule: true) // 1 (float32)
/// ```
public enum Threshold: Sendable, Hashable, CustomStringConvertible {
    /// τ = numerator / 10^scale, 0 ≤ τ ≤ 1, as written (`text`).
    case fraction(text: String, numerator: UInt64, scale: Int)
    /// At least this many matches.
    case matches(Int)

    /// Parses a decimal fraction such as `0.25`, `.5`, `1` or `0.333333`.
    ///
    /// - Throws: ``InputError`` (``InputError/Kind/invalidThreshold``) naming `option`.
    public init(fraction text: String, option: String = "--threshold") throws(InputError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts.first.map(String.init) ?? ""
        let fractional = parts.count > 1 ? String(parts[1]) : ""
        let digits = whole + fractional
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), fractional.count <= 18,
              let numerator = UInt64(digits.isEmpty ? "0" : digits)
        else {
            throw InputError(
                .invalidThreshold, source: option, problem: "'\(text)' is not a decimal fraction",
                fix: "give a fraction from 0 to 1 such as 0.25 (at most 18 decimals), or a match count with the --…-min-matches option")
        }
        var scale = fractional.count
        var value = numerator
        // 1 is at most 10^scale.
        var one: UInt64 = 1
        for _ in 0..<scale { one *= 10 }
        guard value <= one else {
            throw InputError(
                .invalidThreshold, source: option, problem: "\(text) is outside [0, 1]",
                fix: "give a fraction of the window from 0 to 1, such as 0.25")
        }
        while scale > 0 && value % 10 == 0 {
            value /= 10
            scale -= 1
        }
        self = .fraction(text: trimmed, numerator: value, scale: scale)
    }

    public var description: String {
        switch self {
        case .fraction(let text, _, _): text
        case .matches(let count): "\(count) matches"
        }
    }

    /// The least number of matches, out of `window` draws, that passes.
    ///
    /// - Parameters:
    ///   - window: the window size k.
    ///   - referenceRule: apply the reference's float32 test `float32(m)/float32(k) >= float32(τ)`
    ///     instead of the exact ⌈τ·k⌉.
    public func minimumMatches(window: Int, referenceRule: Bool = false) -> Int {
        switch self {
        case .matches(let count):
            return count
        case .fraction(let text, let numerator, let scale):
            if referenceRule {
                let tau = Float(text) ?? Float(numerator) / Float(pow10(scale))
                for m in 0...window where Float(m) / Float(window) >= tau {
                    return m
                }
                return window
            }
            // ⌈numerator·k / 10^scale⌉ in integers.
            let denominator = pow10(scale)
            let product = numerator.multipliedFullWidth(by: UInt64(window))
            let (quotient, remainder) = denominator.dividingFullWidth(product)
            return Int(quotient) + (remainder == 0 ? 0 : 1)
        }
    }

    private func pow10(_ exponent: Int) -> UInt64 {
        var value: UInt64 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }
}
