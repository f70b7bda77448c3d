import Sieve
import Testing

/// Reference-compatibility mode reproduces the reference system's own results (docs/reference-system.md §9).
@Suite("Reference mode (docs/reference-system.md TV-14 to TV-18)")
struct ReferenceModeTests {
    func plan(
        _ id: PRNGFamily.ID, residues: [UInt32], window: Int, offset: Int, skips: ClosedRange<UInt32>,
        threshold: String, reverseThreshold: String? = nil, referenceMode: Bool = true
    ) throws -> SievePlan {
        let parameters = SieveParameters(
            prng: PRNGConfiguration(id), window: window, offset: offset, skips: skips,
            forwardThreshold: try Threshold(fraction: threshold),
            reverseThreshold: try reverseThreshold.map { try Threshold(fraction: $0) }, referenceMode: referenceMode)
        return try SievePlan(parameters: parameters, residues: residues)
    }

    @Test("TV-14: the planted seed passes forward at 8/10 and skip 3; the reference's reverse rejects it")
    func plantedSeedTV14() throws {
        let draws: [UInt32] = [850, 902, 481, 240, 71, 469, 448, 186, 914, 538]
        let clean = try PRNGConfiguration(.java_lcg).outputs(seed: 123_456, count: 10, skip: 3).map { UInt32($0 % 1000) }
        #expect(clean == [850, 902, 595, 240, 71, 469, 448, 369, 914, 538])
        let seeds = SeedRange(first: 100_000, last: 139_999)
        let strict = try plan(.java_lcg, residues: draws, window: 10, offset: 0, skips: 0...6, threshold: "0.5", reverseThreshold: "0.5")
        let survivors = try CPUSieveBackend().survivors(of: strict, seeds: seeds)
        let forward = survivors.filter { $0.passed.contains(.forward) }
        #expect(forward.map(\.seed) == [123_456])
        #expect(forward.first?.forwardMatches == 8)
        #expect(forward.first?.forwardSkip == 3)
        #expect(survivors.filter { $0.passed.contains(.reverse) }.isEmpty)
        #expect(survivors.filter { $0.passed.contains(.bidirectional) }.isEmpty)

        let loose = try plan(.java_lcg, residues: draws, window: 10, offset: 0, skips: 0...6, threshold: "0.5", reverseThreshold: "0.1")
        let reverse = try CPUSieveBackend().survivors(of: loose, seeds: seeds).filter { $0.passed.contains(.reverse) }
        #expect(reverse.count == 2738)
        let planted = try #require(reverse.first { $0.seed == 123_456 })
        #expect(planted.reverseMatches == 1)
        #expect(planted.reverseSkip == 6)
    }

    @Test("TV-15: the reference's offset pre-advances o steps, so it reports advance(S, o·s)")
    func offsetSemanticsTV15() throws {
        let history = try PRNGConfiguration(.java_lcg).outputs(seed: 987_654, count: 10, skip: 3).map { UInt32($0 % 1000) }
        #expect(Array(history[4..<10]) == [799, 176, 946, 887, 233, 649])
        let reference = try plan(.java_lcg, residues: history, window: 6, offset: 4, skips: 3...3, threshold: "0")
        func matches(_ plan: SievePlan, _ seed: UInt64) throws -> UInt32? {
            try CPUSieveBackend().survivors(of: plan, seeds: SeedRange(first: seed, last: seed)).first?.forwardMatches
        }
        #expect(try matches(reference, 987_654) == 0)
        #expect(try matches(reference, 199_840_746_840_818) == 6)
        #expect(try matches(reference, 265_144_952_220_950) == 0)
        // The product's semantics report the stream's own seed.
        let standard = try plan(.java_lcg, residues: history, window: 6, offset: 4, skips: 3...3, threshold: "0", referenceMode: false)
        #expect(try matches(standard, 987_654) == 6)
    }

    @Test("TV-16: the session filter decides which seed explains the draws")
    func sessionFilterTV16() throws {
        let midday = try PRNGConfiguration(.xorshift32).outputs(seed: 42, count: 10, skip: 5)
        let evening = try PRNGConfiguration(.xorshift32).outputs(seed: 1337, count: 10, skip: 5)
        var entries: [DrawHistory.Entry] = []
        for j in 0..<10 {
            entries.append(DrawHistory.Entry(value: midday[j] % 1000, session: "midday", fileIndex: 2 * j))
            entries.append(DrawHistory.Entry(value: evening[j] % 1000, session: "evening", fileIndex: 2 * j + 1))
        }
        func best(_ sessions: [String]?, _ seed: UInt64) throws -> (UInt32, UInt32) {
            let history = try DrawHistory(source: "tv16", parsed: entries, sessions: sessions)
            let p = try plan(.xorshift32, residues: try history.residues(modulus: 1000), window: 8, offset: 0, skips: 0...8, threshold: "0")
            let record = try #require(try CPUSieveBackend().survivors(of: p, seeds: SeedRange(first: seed, last: seed)).first)
            return (record.forwardMatches, record.forwardSkip)
        }
        #expect(try best(["midday"], 42) == (8, 5))
        #expect(try best(["midday"], 1337) == (0, 0))
        #expect(try best(["evening"], 42) == (0, 0))
        #expect(try best(["evening"], 1337) == (8, 5))
        #expect(try best(nil, 42) == (1, 3))
        #expect(try best(nil, 1337) == (4, 2))
    }

    @Test("TV-16's clamp stays an input error: a window past the end of the history")
    func noClamp() throws {
        #expect(throws: InputError.self) {
            try plan(.xorshift32, residues: Array(repeating: 1, count: 20), window: 8, offset: 1000, skips: 0...8, threshold: "0.5")
        }
    }

    @Test("TV-17: the float32 threshold rule applies in reference mode only")
    func float32RuleTV17() throws {
        let seven = try Threshold(fraction: "0.7")
        #expect(seven.minimumMatches(window: 10) == 7)
        #expect(seven.minimumMatches(window: 10, referenceRule: true) == 7)
        let third = try Threshold(fraction: "0.33333334")
        #expect(third.minimumMatches(window: 3) == 2)
        #expect(third.minimumMatches(window: 3, referenceRule: true) == 1)
    }

    @Test("TV-18: chance survival at W = 2 (forward 21,635, reverse 21,643, both 10,454)")
    func chanceAtTwoDrawsTV18() throws {
        var residues = [UInt32](repeating: 0, count: 16)
        residues[14] = 331
        residues[15] = 970
        let p = try plan(.java_lcg, residues: residues, window: 2, offset: 14, skips: 7...63, threshold: "0.25", reverseThreshold: "0.25")
        let survivors = try CPUSieveBackend().survivors(of: p, seeds: SeedRange(first: 0, last: 199_999))
        #expect(survivors.filter { $0.passed.contains(.forward) }.count == 21_635)
        #expect(survivors.filter { $0.passed.contains(.reverse) }.count == 21_643)
        #expect(survivors.filter { $0.passed.contains(.bidirectional) }.count == 10_454)
    }
}
