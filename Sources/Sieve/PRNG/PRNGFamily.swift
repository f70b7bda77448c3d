import _SieveKernelsCPU

/// A family of pseudo-random generators the sieve can test: its name, widths, parameters and what
/// its kernels can do.
///
/// ``PRNGFamily/all`` is the catalogue: the single list that the command line, the tests and the
/// sieve read. The arithmetic itself lives only in `Shaders/Families.h`; this type describes it.
///
/// ```swift
/// let family = try PRNGFamily.named("xoshiro256++")   // aliases and case are accepted
/// print(family.name, family.seedBits, family.outputBits)  // xoshiro256pp 64 64
/// ```
public struct PRNGFamily: Sendable, Hashable, Identifiable, CustomStringConvertible {
    /// The eleven families, by canonical name.
    public enum ID: String, CaseIterable, Sendable, Hashable, Codable {
        case xorshift32, xorshift64, xorshift128, pcg32, lcg32, java_lcg, minstd, mt19937
        case xoshiro256pp, philox4x32, sfc64

        /// The family's number in the kernels (`PrngFamilyID` in `Shaders/KernelArgs.h`).
        var kernelValue: UInt32 {
            switch self {
            case .xorshift32: PRNG_XORSHIFT32.rawValue
            case .xorshift64: PRNG_XORSHIFT64.rawValue
            case .xorshift128: PRNG_XORSHIFT128.rawValue
            case .pcg32: PRNG_PCG32.rawValue
            case .lcg32: PRNG_LCG32.rawValue
            case .java_lcg: PRNG_JAVA_LCG.rawValue
            case .minstd: PRNG_MINSTD.rawValue
            case .mt19937: PRNG_MT19937.rawValue
            case .xoshiro256pp: PRNG_XOSHIRO256PP.rawValue
            case .philox4x32: PRNG_PHILOX4X32.rawValue
            case .sfc64: PRNG_SFC64.rawValue
            }
        }
    }

    /// Whether one step of the state update can be undone exactly.
    public enum InverseStep: Sendable, Hashable {
        /// `prev(next(x)) == x` for every state.
        case always
        /// Invertible exactly when the parameters satisfy the stated condition.
        case when(String)
        /// Not invertible, for the stated reason.
        case never(String)
    }

    public let id: ID
    /// Other names accepted wherever a family is named (matched ignoring case, `-` and `_`).
    public let aliases: [String]
    /// Seeds are unsigned integers below 2^seedBits (32 or 64).
    public let seedBits: Int
    /// Outputs are unsigned integers of this many bits (31, 32 or 64); draws are outputs mod M.
    /// lcg32's outputs lie below its modulus m (2^31 - 1 by default).
    public let outputBits: Int
    /// Tunable constants, with their defaults, in the order the kernel documents them.
    public let parameters: [PRNGParameter]
    public let inverse: InverseStep
    /// Whether n steps cost O(log n) (a jump), rather than n steps.
    public let hasJumpAhead: Bool
    /// One line: the state update and the output.
    public let summary: String
    /// Where the definition departs from the published algorithm, if it does.
    public let deviation: String?

    /// The canonical name, as written in files and on the command line.
    public var name: String { id.rawValue }
    public var description: String { name }

    /// The largest seed of the family (2^seedBits - 1).
    public var maxSeed: UInt64 { seedBits == 64 ? .max : (UInt64(1) << UInt64(seedBits)) - 1 }

    /// The parameter with this name, if the family has one.
    public func parameter(named name: String) -> PRNGParameter? {
        parameters.first { $0.name == name }
    }
}

/// A tunable constant of a ``PRNGFamily``.
public struct PRNGParameter: Sendable, Hashable {
    public let name: String
    public let defaultValue: UInt64
    /// Every value the kernel accepts (further rules, such as lcg32's m ≠ 1, are checked by
    /// ``PRNGConfiguration``).
    public let validValues: ClosedRange<UInt64>
    public let summary: String
}

// MARK: - The catalogue

extension PRNGFamily {
    /// Every family, in kernel-number order.
    public static let all: [PRNGFamily] = ID.allCases.map(family)

    /// The family with this catalogue identifier.
    public static func family(_ id: ID) -> PRNGFamily {
        switch id {
        case .xorshift32:
            return PRNGFamily(
                id: .xorshift32, aliases: ["xorshift"], seedBits: 32, outputBits: 32,
                parameters: [
                    PRNGParameter(name: "a", defaultValue: 13, validValues: 1...31, summary: "x ^= x << a"),
                    PRNGParameter(name: "b", defaultValue: 17, validValues: 1...31, summary: "x ^= x >> b"),
                    PRNGParameter(name: "c", defaultValue: 5, validValues: 1...31, summary: "x ^= x << c"),
                ],
                inverse: .always, hasJumpAhead: false,
                summary: "x ^= x<<a; x ^= x>>b; x ^= x<<c; out = x (seed 0 is a fixed point)",
                deviation: nil)
        case .xorshift64:
            return PRNGFamily(
                id: .xorshift64, aliases: [], seedBits: 64, outputBits: 64,
                parameters: [], inverse: .always, hasJumpAhead: false,
                summary: "x ^= x>>12; x ^= x<<25; x ^= x>>27; x *= 0x2545F4914F6CDD1D; out = x",
                deviation: "not xorshift64*: the product is fed back into the state; full 64-bit output")
        case .xorshift128:
            return PRNGFamily(
                id: .xorshift128, aliases: ["xor128"], seedBits: 32, outputBits: 32,
                parameters: [], inverse: .always, hasJumpAhead: false,
                summary: "Marsaglia's xor128 from (seed, 362436069, 521288629, 88675123); out = w",
                deviation: "x starts at the seed (canonical: 123456789)")
        case .pcg32:
            return PRNGFamily(
                id: .pcg32, aliases: ["pcg"], seedBits: 32, outputBits: 32,
                parameters: [
                    PRNGParameter(
                        name: "increment", defaultValue: 1_442_695_040_888_963_407, validValues: 0...UInt64.max,
                        summary: "state = state * 6364136223846793005 + increment (mod 2^64)"),
                ],
                inverse: .always, hasJumpAhead: true,
                summary: "LCG mod 2^64 from state = seed; out = PCG-XSH-RR of the old state",
                deviation: "no srandom seeding: the first output is seed >> 27")
        case .lcg32:
            return PRNGFamily(
                id: .lcg32, aliases: ["lcg"], seedBits: 32, outputBits: 32,
                parameters: [
                    PRNGParameter(name: "a", defaultValue: 1_103_515_245, validValues: 0...0xFFFF_FFFF, summary: "multiplier"),
                    PRNGParameter(name: "c", defaultValue: 12345, validValues: 0...0xFFFF_FFFF, summary: "increment"),
                    PRNGParameter(
                        name: "m", defaultValue: 0x7FFF_FFFF, validValues: 0...0xFFFF_FFFF,
                        summary: "modulus, 2 ... 2^32-1; 0 means mod 2^32 (wrap-around)"),
                ],
                inverse: .when("m = 0 and a is odd, or m > 0 and gcd(a, m) = 1 (on states below m)"),
                hasJumpAhead: true,
                summary: "state = (a * state + c) mod m from state = seed (not reduced); out = state",
                deviation: "defaults to mod 2^31-1, not the ANSI C mod 2^31")
        case .java_lcg:
            return PRNGFamily(
                id: .java_lcg, aliases: ["java48"], seedBits: 64, outputBits: 32,
                parameters: [
                    PRNGParameter(name: "a", defaultValue: 0x5_DEEC_E66D, validValues: 0...0xFFFF_FFFF_FFFF, summary: "multiplier"),
                    PRNGParameter(name: "c", defaultValue: 11, validValues: 0...0xFFFF_FFFF_FFFF, summary: "increment"),
                ],
                inverse: .when("a is odd"), hasJumpAhead: true,
                summary: "state = (a * state + c) mod 2^48 from state = seed mod 2^48; out = state >> 16",
                deviation: "no seed scramble: seed S is java.util.Random(S ^ 0x5DEECE66D); out is next(32) unsigned")
        case .minstd:
            return PRNGFamily(
                id: .minstd, aliases: ["minstd_rand"], seedBits: 32, outputBits: 31,
                parameters: [], inverse: .always, hasJumpAhead: true,
                summary: "state = 48271 * state mod 2^31-1 from seed mod 2^31-1 (0 becomes 1); out = state",
                deviation: nil)
        case .mt19937:
            return PRNGFamily(
                id: .mt19937, aliases: ["mt", "mersenne_twister"], seedBits: 32, outputBits: 32,
                parameters: [],
                inverse: .never("the twist drops the low 31 bits of the first word, which seeding sets"),
                hasJumpAhead: false,
                summary: "canonical init_genrand(seed) and genrand_int32",
                deviation: nil)
        case .xoshiro256pp:
            return PRNGFamily(
                id: .xoshiro256pp, aliases: ["xoshiro256++", "xoshiro"], seedBits: 64, outputBits: 64,
                parameters: [], inverse: .always, hasJumpAhead: false,
                summary: "xoshiro256++ from (seed, 0x9E3779B97F4A7C15, 0x6A09E667F3BCC908, 0xBB67AE8584CAA73B)",
                deviation: "the state is not expanded from the seed with SplitMix64")
        case .philox4x32:
            return PRNGFamily(
                id: .philox4x32, aliases: ["philox", "philox4x32_10"], seedBits: 64, outputBits: 32,
                parameters: [], inverse: .always, hasJumpAhead: true,
                summary: "out_p = word 0 of Philox4x32-10 at counter (p-1 mod 2^32, 0, 0, 0), key = the seed's halves",
                deviation: "only word 0 of each block is used; the counter advances by one per output")
        case .sfc64:
            return PRNGFamily(
                id: .sfc64, aliases: ["sfc"], seedBits: 64, outputBits: 64,
                parameters: [], inverse: .always, hasJumpAhead: false,
                summary: "SFC64 from a = seed, b = 0x9E3779B97F4A7C15, c = 0x6A09E667F3BCC908, counter = 1",
                deviation: "canonical seeding sets a = b = c = seed and discards 12 outputs")
        }
    }

    /// The family with this name or alias, ignoring case, `-` and `_`.
    ///
    /// - Parameter name: a canonical name (`java_lcg`) or an alias (`java48`, `Xoshiro256++`).
    /// - Returns: the family, or `nil` when no family has that name.
    public static func lookup(_ name: String) -> PRNGFamily? {
        let key = normalized(name)
        return all.first { family in
            normalized(family.name) == key || family.aliases.contains { normalized($0) == key }
        }
    }

    /// The family with this name or alias.
    ///
    /// - Throws: ``InputError`` of kind ``InputError/Kind/unknownFamily`` listing the known names.
    public static func named(_ name: String, source: String = "--prng") throws(InputError) -> PRNGFamily {
        guard let family = lookup(name) else {
            throw InputError(
                .unknownFamily, source: source,
                problem: "no PRNG family is named '\(name)'",
                fix: "use one of: \(all.map(\.name).joined(separator: ", ")) (`optimize prngs` lists them)")
        }
        return family
    }

    private static func normalized(_ name: String) -> String {
        String(name.lowercased().filter { $0 != "-" && $0 != "_" })
    }
}
