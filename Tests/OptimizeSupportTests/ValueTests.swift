import Foundation
import Testing
@testable import _OptimizeSupport

@Suite struct TimestampTests {
    @Test func writesISO8601InUTCWithMilliseconds() {
        #expect(Timestamp.string(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.string(Date(timeIntervalSince1970: 1_795_308_000.125)) == "2026-11-22T00:40:00.125Z")
        // To the nearest millisecond, including those that are not exact in binary.
        #expect(Timestamp.string(Date(timeIntervalSince1970: 1.858)) == "1970-01-01T00:00:01.858Z")
        #expect(Timestamp.string(Date(timeIntervalSince1970: 0.0004)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.string(Date(timeIntervalSince1970: 59.9996)) == "1970-01-01T00:01:00.000Z")
        #expect(Timestamp.string(Date(timeIntervalSince1970: -0.001)) == "1969-12-31T23:59:59.999Z")
    }

    @Test func readsBackWhatItWrites() throws {
        let text = "2026-11-22T00:40:00.000Z"
        let date = try #require(Timestamp.date(text))
        #expect(date == Date(timeIntervalSince1970: 1_795_308_000))
        #expect(Timestamp.string(date) == text)
        var random = SplitMix64(seed: 42)
        for _ in 0..<200 {
            // Any millisecond from 1970 to about 2286.
            let milliseconds = random.below(10_000_000_000_000)
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            let written = Timestamp.string(date)
            let back = try #require(Timestamp.date(written), "\(written) does not read back")
            #expect(Int64((back.timeIntervalSince1970 * 1000).rounded()) == Int64(milliseconds), "\(written)")
            #expect(Timestamp.string(back) == written)
        }
    }

    @Test func nowIsATimestamp() throws {
        let now = Timestamp.now()
        let date = try #require(Timestamp.date(now))
        #expect(abs(date.timeIntervalSinceNow) < 60)
        #expect(now.hasSuffix("Z"))
        #expect(now.count == "1970-01-01T00:00:00.000Z".count)
    }

    @Test(arguments: ["", "yesterday", "2026-11-22", "2026-13-01T00:00:00.000Z", "2026-11-22 00:40:00.000Z"])
    func refusesOtherText(_ text: String) {
        #expect(Timestamp.date(text) == nil)
    }
}

@Suite struct SplitMix64Tests {
    // Reference values from the algorithm of Steele, Lea and Flood (2014), computed independently:
    //
    //     M = (1 << 64) - 1
    //     def splitmix64(seed, n):
    //         s, out = seed, []
    //         for _ in range(n):
    //             s = (s + 0x9E3779B97F4A7C15) & M
    //             z = s
    //             z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    //             z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    //             out.append(z ^ (z >> 31))
    //         return out

    @Test func matchesTheReferenceForSeedZero() {
        var random = SplitMix64(seed: 0)
        let first = (0..<5).map { _ in random.next() }
        #expect(first == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F, 0xF88B_B8A8_724C_81EC, 0x1B39_896A_51A8_749B])
    }

    @Test func matchesTheReferenceForOtherSeeds() {
        var random = SplitMix64(seed: 1_234_567)
        #expect((0..<3).map { _ in random.next() } == [0x599E_D017_FB08_FC85, 0x2C73_F084_5854_0FA5, 0x883E_BCE5_A3F2_7C77])
        var wrapping = SplitMix64(seed: UInt64.max)  // the state wraps around
        #expect((0..<2).map { _ in wrapping.next() } == [0xE4D9_7177_1B65_2C20, 0xE99F_F867_DBF6_82C9])
    }

    @Test func belowStaysInRangeAndCoversIt() {
        var random = SplitMix64(seed: 7)
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<60_000 {
            let value = random.below(6)
            #expect(value < 6)
            counts[Int(value)] += 1
        }
        #expect(counts.allSatisfy { (9_000...11_000).contains($0) }, "\(counts)")
        #expect(random.below(1) == 0)
        _ = random.below(UInt64.max)
    }

    @Test func belowIsFixedByTheSeed() {
        // `below` is part of what a noise seed means: it rejects only values at or above the
        // largest multiple of the bound, and otherwise takes the remainder.
        var random = SplitMix64(seed: 0)
        #expect(random.below(10) == UInt64(0xE220_A839_7B1D_CDAF) % 10)
        #expect(random.below(1 << 32) == UInt64(0x6E78_9E6A_A1B9_65F4) % (1 << 32))
    }

    @Test func drivesTheStandardLibrary() {
        var a = SplitMix64(seed: 99)
        var b = SplitMix64(seed: 99)
        #expect((0..<10).map { _ in Int.random(in: 1...6, using: &a) } == (0..<10).map { _ in Int.random(in: 1...6, using: &b) })
    }
}

@Suite struct OptimizeVersionTests {
    @Test func isASemanticVersion() {
        let parts = OptimizeVersion.current.split(separator: ".")
        #expect(parts.count == 3)
        #expect(parts.allSatisfy { Int($0) != nil })
    }
}
