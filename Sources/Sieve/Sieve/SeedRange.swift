import Foundation

/// A range of seeds, parsed from `start..<end` (half-open, docs/semantics.md §6) or `first...last`.
///
/// Kept as a closed range so that the last 64-bit seed can be named: `0..<2^64` is `0...2^64-1`.
///
/// ```swift
/// let range = try SeedRange.parse("0..<2^32", family: .family(.mt19937))
/// range.count          // 4294967296
/// range.shard(1, of: 4) // 1073741824...2147483647
/// ```
public struct SeedRange: Sendable, Hashable, CustomStringConvertible {
    public let first: UInt64
    public let last: UInt64

    public init(first: UInt64, last: UInt64) {
        precondition(first <= last)
        self.first = first
        self.last = last
    }

    /// The number of seeds, exactly (up to 2^64).
    public var count: UInt128 { UInt128(last - first) + 1 }

    /// `start..<end`, with end written as 2^64 when the range reaches the last 64-bit seed.
    public var description: String {
        last == .max ? "\(first)..<2^64" : "\(first)..<\(last + 1)"
    }

    /// Parses `start..<end` or `first...last`; each bound in decimal, hexadecimal or as 2^k
    /// (2^64 only as an exclusive end).
    ///
    /// - Throws: ``InputError``: ``InputError/Kind/invalidSeed`` for a malformed bound,
    ///   ``InputError/Kind/emptySeedRange`` for an empty or inverted range, and
    ///   ``InputError/Kind/seedRangeBeyondWidth`` past the family's seed width.
    public static func parse(_ text: String, family: PRNGFamily, option: String = "--seeds") throws(InputError) -> SeedRange {
        let halfOpen = text.contains("..<")
        let separator = halfOpen ? "..<" : "..."
        let parts = text.components(separatedBy: separator)
        guard parts.count == 2 else {
            throw InputError(
                .invalidSeed, source: option, problem: "'\(text)' is not a seed range",
                fix: "write start..<end (end excluded), for example 0..<2^32")
        }
        func bound(_ text: String) throws(InputError) -> UInt128 {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed == "2^64" { return UInt128(1) << 64 }
            // 2^64 in decimal or hexadecimal, like "2^64" (no 64-bit integer holds it).
            let cleaned = trimmed.replacingOccurrences(of: "_", with: "")
            let wide = cleaned.lowercased().hasPrefix("0x") ? UInt128(cleaned.dropFirst(2), radix: 16) : UInt128(cleaned)
            if let wide, wide == UInt128(1) << 64 { return wide }
            if let wide, wide > UInt128(1) << 64 {
                throw InputError(.seedRangeBeyondWidth, source: option, problem: "'\(trimmed)' is beyond 2^64",
                                 fix: "end the range at 2^64 at most")
            }
            guard let value = UnsignedIntegerText.parse(trimmed) else {
                throw InputError(
                    .invalidSeed, source: option, problem: "'\(trimmed)' is not an unsigned integer",
                    fix: "write bounds in decimal, hexadecimal (0x…) or as 2^k, for example 0..<2^32")
            }
            return UInt128(value)
        }
        let start = try bound(parts[0])
        var end = try bound(parts[1])
        if !halfOpen { end += 1 }
        guard end > start else {
            throw InputError(
                .emptySeedRange, source: option, problem: "\(text) holds no seed",
                fix: "give a range whose end is above its start, such as 0..<1000000")
        }
        let limit = UInt128(family.maxSeed) + 1
        guard end <= limit else {
            throw InputError(
                .seedRangeBeyondWidth, source: option,
                problem: "\(text) reaches past \(family.name)'s \(family.seedBits)-bit seeds",
                fix: "end the range at 2^\(family.seedBits) at most")
        }
        return SeedRange(first: UInt64(start), last: UInt64(end - 1))
    }

    /// Part `index` (0-based) of `count` contiguous, nearly equal parts; empty parts are `nil`.
    public func shard(_ index: Int, of count: Int) -> SeedRange? {
        precondition(count >= 1 && (0..<count).contains(index))
        let total = self.count
        let begin = total * UInt128(index) / UInt128(count)
        let end = total * UInt128(index + 1) / UInt128(count)
        guard end > begin else { return nil }
        return SeedRange(first: first + UInt64(begin), last: first + UInt64(end - 1))
    }
}
