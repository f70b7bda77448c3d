import _SieveKernelsCPU

/// One seed that passed a sieve, with its best skips and match counts (docs/semantics.md §3–4).
///
/// Fields of a test the seed did not pass are zero. The same 40 bytes, little-endian, are what
/// survivor files store (``SurvivorRecord/encoded``).
public struct SurvivorRecord: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The tests a seed passed.
    public struct Passed: OptionSet, Sendable, Hashable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// max over s of mF(s) >= mF_min.
        public static let forward = Passed(rawValue: SIEVE_PASSED_FORWARD.rawValue)
        /// max over s of mR(s) >= mR_min (full-range reverse and reference mode).
        public static let reverse = Passed(rawValue: SIEVE_PASSED_REVERSE.rawValue)
        /// Some skip passes both tests (reference mode: both tests pass, at any skips).
        public static let bidirectional = Passed(rawValue: SIEVE_PASSED_BIDIRECTIONAL.rawValue)
    }

    public var seed: UInt64
    public var passed: Passed
    /// The smallest skip with the most forward matches, and that count.
    public var forwardSkip: UInt32
    public var forwardMatches: UInt32
    /// The smallest skip with the most reverse matches, and that count.
    public var reverseSkip: UInt32
    public var reverseMatches: UInt32
    /// The passing skip with the most forward plus reverse matches (then the smallest), and its counts.
    public var bidirectionalSkip: UInt32
    public var bidirectionalForward: UInt32
    public var bidirectionalReverse: UInt32

    public init(
        seed: UInt64, passed: Passed, forwardSkip: UInt32 = 0, forwardMatches: UInt32 = 0, reverseSkip: UInt32 = 0,
        reverseMatches: UInt32 = 0, bidirectionalSkip: UInt32 = 0, bidirectionalForward: UInt32 = 0,
        bidirectionalReverse: UInt32 = 0
    ) {
        self.seed = seed
        self.passed = passed
        self.forwardSkip = forwardSkip
        self.forwardMatches = forwardMatches
        self.reverseSkip = reverseSkip
        self.reverseMatches = reverseMatches
        self.bidirectionalSkip = bidirectionalSkip
        self.bidirectionalForward = bidirectionalForward
        self.bidirectionalReverse = bidirectionalReverse
    }

    package init(_ r: SieveRecord) {
        self.init(
            seed: r.seed, passed: Passed(rawValue: r.flags), forwardSkip: r.forward_skip,
            forwardMatches: r.forward_matches, reverseSkip: r.reverse_skip, reverseMatches: r.reverse_matches,
            bidirectionalSkip: r.bidirectional_skip, bidirectionalForward: r.bidirectional_forward,
            bidirectionalReverse: r.bidirectional_reverse)
    }

    public static func < (lhs: SurvivorRecord, rhs: SurvivorRecord) -> Bool { lhs.seed < rhs.seed }

    public var description: String {
        var parts = ["seed \(seed)"]
        if passed.contains(.forward) { parts.append("forward \(forwardMatches) @ skip \(forwardSkip)") }
        if passed.contains(.reverse) { parts.append("reverse \(reverseMatches) @ skip \(reverseSkip)") }
        if passed.contains(.bidirectional) {
            parts.append("bidirectional \(bidirectionalForward)+\(bidirectionalReverse) @ skip \(bidirectionalSkip)")
        }
        return parts.joined(separator: ", ")
    }

    /// The size of one record in a survivor file.
    public static let encodedSize = 40

    /// The record as stored in survivor files: little-endian u64 seed, then eight u32 fields.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.encodedSize)
        withUnsafeBytes(of: seed.littleEndian) { bytes.append(contentsOf: $0) }
        for field in [passed.rawValue, forwardSkip, forwardMatches, reverseSkip, reverseMatches,
                      bidirectionalSkip, bidirectionalForward, bidirectionalReverse] {
            withUnsafeBytes(of: field.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// Decodes a record written by ``encoded``.
    public init<C: RandomAccessCollection>(decoding bytes: C) where C.Element == UInt8, C.Index == Int {
        precondition(bytes.count >= Self.encodedSize)
        let base = bytes.startIndex
        func u32(_ at: Int) -> UInt32 {
            (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[base + at + $1]) << (8 * UInt32($1)) }
        }
        let seed = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[base + $1]) << (8 * UInt64($1)) }
        self.init(
            seed: seed, passed: Passed(rawValue: u32(8)), forwardSkip: u32(12), forwardMatches: u32(16),
            reverseSkip: u32(20), reverseMatches: u32(24), bidirectionalSkip: u32(28), bidirectionalForward: u32(32),
            bidirectionalReverse: u32(36))
    }
}
