import Sieve
import Testing

/// The reference system's published vectors (docs/reference-system.md §9), run through the kernel path.
@Suite("Reference vectors (docs/reference-system.md §9)")
struct ReferenceVectorTests {
    /// TV-1 to TV-11: the first five raw outputs of seed 12345, skip 0.
    static let firstFive: [(PRNGFamily.ID, [UInt64])] = [
        (.xorshift32, [3_336_926_330, 1_697_253_807, 2_816_511_904, 1_955_480_042, 718_842_323]),
        (.xorshift64, [10_977_518_812_293_740_004, 5_027_807_898_759_286_907, 13_403_302_990_619_764_695,
                       1_856_399_485_174_164_551, 9_728_362_236_848_310_486]),
        (.xorshift128, [80_308_827, 3_275_432_538, 1_299_867_163, 15_152_140, 1_328_750_073]),
        (.pcg32, [0, 1_882_538_953, 1_534_987_090, 1_894_995_461, 2_528_358_703]),
        (.lcg32, [1_406_938_949, 178_066_070, 1_543_701_248, 427_461_576, 562_845_833]),
        (.java_lcg, [454_757_875, 3_428_499_331, 68_972_694, 2_852_015_737, 184_400_468]),
        (.minstd, [595_905_495, 1_558_181_227, 1_498_755_989, 2_021_244_883, 887_213_142]),
        (.mt19937, [3_992_670_690, 3_823_185_381, 1_358_822_685, 561_383_553, 789_925_284]),
        (.xoshiro256pp, [4_810_518_865_347_732_496, 1_791_319_405_819_414_116, 16_426_893_429_566_905_432,
                         3_498_788_172_468_386_474, 14_166_353_572_916_321_700]),
        (.philox4x32, [3_522_838_145, 11_954_473, 1_814_877_333, 3_057_540_118, 2_504_881_536]),
        (.sfc64, [11_400_714_819_323_210_831, 6_376_491_232_222_815_908, 17_425_338_571_189_619_978,
                  16_912_166_003_264_728_383, 9_807_794_092_452_656_986]),
    ]

    @Test("TV-1 to TV-11: first five outputs of seed 12345", arguments: firstFive.map(\.0))
    func firstFiveOutputs(_ id: PRNGFamily.ID) throws {
        let expected = Self.firstFive.first { $0.0 == id }!.1
        #expect(try PRNGConfiguration(id).outputs(seed: 12345, count: 5) == expected)
    }

    @Test("TV-1: xorshift64's CPU reference row is the low 32 bits of the full outputs")
    func xorshift64LowBits() throws {
        let outputs = try PRNGConfiguration(.xorshift64).outputs(seed: 12345, count: 5)
        #expect(outputs.map { $0 & 0xFFFF_FFFF } == [3_387_930_084, 1_014_190_203, 1_691_510_743, 50_736_199, 1_303_054_550])
        #expect(outputs.map { $0 % 1000 } == [4, 907, 695, 551, 486])
    }

    @Test("TV-12: canonical known answers")
    func canonicalKnownAnswers() throws {
        #expect(try PRNGConfiguration(.mt19937).outputs(seed: 5489, count: 1) == [3_499_211_612])
        #expect(try PRNGConfiguration(.mt19937).outputs(seed: 5489, count: 1, burn: 9999) == [4_123_659_995])
        #expect(try PRNGConfiguration(.minstd).outputs(seed: 1, count: 1, burn: 9999) == [399_268_537])
        #expect(try PRNGConfiguration(.philox4x32).outputs(seed: 0, count: 1) == [0x6627_E8D5])
        let java42 = try PRNGConfiguration(.java_lcg).outputs(seed: 42 ^ 0x5_DEEC_E66D, count: 3)
        #expect(java42.map { Int32(truncatingIfNeeded: $0) } == [-1_170_105_035, 234_785_527, -1_360_544_799])
        let javaRaw = try PRNGConfiguration(.java_lcg).outputs(seed: 42, count: 3)
        #expect(javaRaw.map { Int32(truncatingIfNeeded: $0) } == [16_159_453, -1_281_479_697, -340_305_902])
    }

    @Test("TV-12: pcg32's output function on the canonically seeded state (42, 54)")
    func pcg32CanonicalOutput() throws {
        // pcg32_srandom(42, 54): increment = (54 << 1) | 1; state = 0; step; state += 42; step.
        let configuration = try PRNGConfiguration(family: .family(.pcg32), parameters: ["increment": 109])
        var states = [PRNGState(words: [0])]
        _ = try configuration.next(&states)
        states[0].words[0] &+= 42
        _ = try configuration.next(&states)
        var outputs: [UInt64] = []
        for _ in 0..<3 { outputs += try configuration.next(&states) }
        #expect(outputs == [0xA15C_02B7, 0x7B47_F409, 0xBA1D_3330])
    }

    @Test("TV-13: sieve streams with skip 5, offset 0, mod 1000")
    func sieveStreams() throws {
        let cases: [(PRNGFamily.ID, UInt64, [UInt64])] = [
            (.java_lcg, 1234, [843, 814, 568, 312, 538]),
            (.xorshift32, 42, [134, 227, 860, 66, 677]),
            (.xorshift32, 1337, [93, 992, 683]),
            (.mt19937, 12345, [737, 65, 227, 3, 599]),
        ]
        for (id, seed, draws) in cases {
            let outputs = try PRNGConfiguration(id).outputs(seed: seed, count: draws.count, skip: 5)
            #expect(outputs.map { $0 % 1000 } == draws, "\(id) seed \(seed)")
        }
    }

    @Test("TV-20: degenerate seeds")
    func degenerateSeeds() throws {
        #expect(try PRNGConfiguration(.xorshift32).outputs(seed: 0, count: 3) == [0, 0, 0])
        let pcgSeeds: [UInt64] = [0, 1, 12345, (1 << 27) - 1, 1 << 27, (1 << 32) - 1]
        let pcgFirst = try pcgSeeds.map { try PRNGConfiguration(.pcg32).outputs(seed: $0, count: 1)[0] }
        #expect(pcgFirst == [0, 0, 0, 0, 1, 31])
        #expect(try PRNGConfiguration(.minstd).outputs(seed: 0, count: 1) == [48271])
        #expect(try PRNGConfiguration(.minstd).outputs(seed: 0x7FFF_FFFF, count: 1) == [48271])
        #expect(try PRNGConfiguration(.lcg32).outputs(seed: 0xFFFF_FFFF, count: 1) == [1_103_527_590])
    }
}
