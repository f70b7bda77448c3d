/// xorshift32's nonzero states as the one cycle they form, with a jump to any index of it.
///
/// A step x → x ⊕ (x ≪ a), ⊕ (x ≫ b), ⊕ (x ≪ c) is linear over GF(2): a 32 × 32 bit matrix T. When
/// T has order exactly 2^32 − 1, which is odd, T has no nilpotent part, its characteristic
/// polynomial is irreducible (a product of smaller factors would give an order of at most
/// lcm(2^d₁ − 1, 2^d₂ − 1, …) < 2^32 − 1), and T acts on the 2^32 − 1 nonzero states as
/// multiplication by a primitive element of GF(2^32): every nonzero state lies on one cycle of that
/// length. The order is checked the standard way: T^(2^32 − 1) = I, and T^((2^32 − 1)/p) ≠ I for
/// each prime p of 2^32 − 1 = 3 · 5 · 17 · 257 · 65537. Marsaglia's default shifts 13, 17, 5 pass.
///
/// Index n of the cycle is the state T^n · 1; the seed at index n reads output p at index n + p.
///
/// ```swift
/// let cycle = XorshiftCycle(a: 13, b: 17, c: 5)!
/// cycle.state(at: 0)   // 1
/// cycle.state(at: 1)   // 270369, one xorshift32 step from 1
/// ```
public struct XorshiftCycle: Sendable, Hashable {
    /// How many states the cycle holds: every nonzero 32-bit value.
    public static let length: UInt64 = 0xFFFF_FFFF

    public let a: UInt32, b: UInt32, c: UInt32
    /// T^(2^k) for k < 32, as columns.
    private let powers: [BitMatrix32]

    /// The cycle of xorshift32 with shifts `a`, `b`, `c`, or `nil` when its nonzero states do not
    /// form one cycle (or a shift is outside 1 ... 31).
    public init?(a: UInt32, b: UInt32, c: UInt32) {
        guard (1...31).contains(a), (1...31).contains(b), (1...31).contains(c) else { return nil }
        self.a = a
        self.b = b
        self.c = c
        let step = BitMatrix32 { x in
            var y = x ^ (x << a)
            y ^= y >> b
            return y ^ (y << c)
        }
        var powers = [step]
        for _ in 1..<32 { powers.append(powers[powers.count - 1] * powers[powers.count - 1]) }
        self.powers = powers
        let identity = BitMatrix32 { $0 }
        guard Self.power(powers, Self.length) == identity else { return nil }
        for prime: UInt64 in [3, 5, 17, 257, 65537] where Self.power(powers, Self.length / prime) == identity {
            return nil
        }
    }

    /// The state at cycle index `index` (taken modulo ``length``): T^index · 1.
    public func state(at index: UInt64) -> UInt32 {
        var x: UInt32 = 1
        var n = index % Self.length
        var k = 0
        while n != 0 {
            if n & 1 != 0 { x = powers[k].apply(x) }
            n >>= 1
            k += 1
        }
        return x
    }

    private static func power(_ powers: [BitMatrix32], _ exponent: UInt64) -> BitMatrix32 {
        var result = BitMatrix32 { $0 }
        var n = exponent
        var k = 0
        while n != 0 {
            if n & 1 != 0 { result = powers[k] * result }
            n >>= 1
            k += 1
        }
        return result
    }
}

/// A linear map of 32-bit words over GF(2), kept as the images of the 32 unit vectors.
struct BitMatrix32: Sendable, Hashable {
    var columns: [UInt32]

    /// The matrix of a map known to be linear.
    init(_ linear: (UInt32) -> UInt32) {
        columns = (0..<32).map { linear(UInt32(1) << UInt32($0)) }
    }

    private init(columns: [UInt32]) { self.columns = columns }

    func apply(_ x: UInt32) -> UInt32 {
        var y: UInt32 = 0
        var rest = x
        while rest != 0 {
            y ^= columns[rest.trailingZeroBitCount]
            rest &= rest - 1
        }
        return y
    }

    /// The map `rhs`, then `lhs`.
    static func * (lhs: BitMatrix32, rhs: BitMatrix32) -> BitMatrix32 {
        BitMatrix32(columns: rhs.columns.map(lhs.apply))
    }
}
