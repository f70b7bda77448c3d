import Foundation
import Testing
@testable import Sieve

/// The cycle pass decides which xorshift32 seeds are sieved at all: its cycle must be the
/// generator's, and its candidates exactly the seeds that pass some window at some skip.
struct CyclePassTests {
    // MARK: - The cycle

    @Test("the order test accepts exactly the shift triples whose cycle through 1 brute force finds to be 2^32 - 1 long")
    func orderTestMatchesBruteForce() throws {
        struct Period: Decodable { let a: UInt32, b: UInt32, c: UInt32, period: UInt64 }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Golden/xorshift32_periods.json")
        let periods = try JSONDecoder().decode([Period].self, from: Data(contentsOf: url))
        #expect(periods.contains { $0.period == XorshiftCycle.length } && periods.contains { $0.period != XorshiftCycle.length })
        for triple in periods {
            #expect((XorshiftCycle(a: triple.a, b: triple.b, c: triple.c) != nil) == (triple.period == XorshiftCycle.length),
                    "shifts \(triple.a), \(triple.b), \(triple.c): period \(triple.period)")
        }
    }

    @Test("the state at index n + 1 is one step from the state at n, index 0 is state 1, and the cycle closes")
    func jumpsAgreeWithSteps() throws {
        let cycle = try #require(XorshiftCycle(a: 13, b: 17, c: 5))
        #expect(cycle.state(at: 0) == 1)
        #expect(cycle.state(at: XorshiftCycle.length) == 1)
        #expect(cycle.state(at: XorshiftCycle.length - 1) != 1)
        var random = SplitMix64(seed: 0xC7C1E)
        let prng = try PRNGConfiguration(family: .family(.xorshift32), parameters: [:])
        for _ in 0..<20 {
            let n = random.below(XorshiftCycle.length)
            let x = cycle.state(at: n)
            // The family's own stream from that state is the cycle's next states.
            let outputs = try prng.outputs(seed: UInt64(x), count: 3)
            #expect(outputs == (1...3).map { UInt64(cycle.state(at: n + $0)) }, "index \(n)")
        }
    }

    // MARK: - Candidates

    /// A random xorshift32 plan whose windows pass often enough at a small modulus to give
    /// candidates in a few thousand seeds.
    static func plan(_ random: inout SplitMix64) throws -> SievePlan {
        let prng = try PRNGConfiguration(family: .family(.xorshift32), parameters: [:])
        let modulus = 2 + random.below(9)
        let residues = (0..<60).map { _ in UInt32(random.below(modulus)) }
        let window = 3 + Int(random.below(10))
        let reverseWindow = 2 + Int(random.below(8))
        let skipLow = UInt32(random.below(4))
        let skips = skipLow...(skipLow + UInt32(random.below(6)))
        let mode = random.below(4)
        let forward = max(1, window * (50 + Int(random.below(40))) / 100)
        let reverse = max(1, (mode == 3 ? window : reverseWindow) * (50 + Int(random.below(40))) / 100)
        let parameters = SieveParameters(
            prng: prng, modulus: modulus, window: window, offset: 12 + Int(random.below(20)),
            reverseWindow: mode == 3 || mode == 0 ? nil : reverseWindow, skips: skips, burn: random.below(3) == 0 ? random.below(500) : 0,
            forwardThreshold: .matches(forward), reverseThreshold: mode == 0 ? nil : .matches(reverse),
            reverseScope: mode == 2 ? .fullRange : .forwardSurvivors, referenceMode: mode == 3)
        return try SievePlan(parameters: parameters, residues: residues)
    }

    /// Whether `seed` passes some window the pass tests at some skip, counted from the family's
    /// own stream, output by output.
    static func passesSomeWindow(_ plan: SievePlan, seed: UInt64) throws -> Bool {
        let p = plan.parameters
        let outputs = try p.prng.outputs(seed: seed, count: Int(plan.streamRange.upperBound))
        var windows = [(plan.forwardDraws, plan.forwardPositions, plan.forwardMinimum)]
        if p.hasReverse && (p.referenceMode || p.reverseScope == .fullRange) {
            windows.append((plan.reverseDraws, plan.reversePositions, plan.reverseMinimum!))
        }
        for (draws, c, minimum) in windows {
            for s in p.skips {
                let matches = draws.indices.filter { i in
                    outputs[Int(c.c0 + (c.c1 + UInt64(i)) * (UInt64(s) + 1)) - 1] % p.modulus == UInt64(draws[i])
                }.count
                if matches >= minimum { return true }
            }
        }
        return false
    }

    @Test("a block's candidates are exactly the seeds that pass some window, on every instruction set",
          arguments: CPUSieveBackend.InstructionSet.supported)
    func blockCandidatesAreExact(instructionSet: CPUSieveBackend.InstructionSet) throws {
        var random = SplitMix64(seed: 0xB10C + UInt64(instructionSet.laneWidth))
        var candidatesSeen = 0
        for trial in 0..<6 {
            let plan = try Self.plan(&random)
            let pass = try #require(CyclePass(plan: plan), "\(plan.parameters)")
            // A length that is no multiple of any vector width, anywhere on the cycle, the end included.
            let length: UInt32 = 1000 + UInt32(random.below(300))
            let start = trial == 0 ? XorshiftCycle.length - UInt64(length) : random.below(XorshiftCycle.length - 2000)
            var codes = [UInt8](repeating: 0, count: Int(UInt64(CyclePass.blockLength) + pass.span + 64))
            var found = [UInt32](repeating: 0, count: Int(length))
            let hits = pass.block(at: start, length: length, instructionSet: instructionSet, codes: &codes, found: &found)
            var expected: [UInt32] = []
            for u in 0..<length where try Self.passesSomeWindow(plan, seed: UInt64(pass.cycle.state(at: start + UInt64(u)))) {
                expected.append(u)
            }
            #expect(Array(found[0..<hits]) == expected, "trial \(trial): \(plan.parameters)")
            // Every survivor is a candidate (what the executor relies on).
            for u in 0..<length where !expected.contains(u) {
                let seed = UInt64(pass.cycle.state(at: start + UInt64(u)))
                #expect(try SieveOracle.evaluate(plan, seed: seed) == nil, "seed \(seed) survives, not a candidate")
            }
            candidatesSeen += expected.count
        }
        #expect(candidatesSeen > 0, "the random plans gave no candidates: the test checks nothing")
    }

    @Test("the executor sieves only the pass's candidates, and seed 0, and finds what seed-by-seed sieving finds")
    func executorSievesTheCandidates() throws {
        var random = SplitMix64(seed: 0xE7EC)
        for _ in 0..<3 {
            let plan = try Self.plan(&random)
            let seeds = SeedRange(first: 0, last: 3000)
            // The pass's candidates within these seeds, as the pass would find them.
            let candidates = try (1...seeds.last).filter { try Self.passesSomeWindow(plan, seed: $0) }
            CyclePass.store(candidates, for: plan.identity)
            defer { CyclePass.store(nil, for: plan.identity) }
            let outcome = try SieveExecutor(backend: CPUSieveBackend()).run(plan, seeds: seeds, tracing: true)
            let plain = try SieveExecutor(backend: CPUSieveBackend(takesCyclePass: false)).run(plan, seeds: seeds)
            #expect(outcome.cyclePass && !plain.cyclePass)
            #expect(outcome.survivors == plain.survivors, "\(plan.parameters)")
            #expect(outcome.dispatches.map(\.firstSeed) == [0] + candidates)
            #expect(!plain.survivors.isEmpty, "no survivors: the test checks nothing")
        }
    }

    @Test("the pass pays for most of the 2^32 seeds of a trial-shaped plan, not for a chunk, and makes a sweep's chunks larger")
    func passPaysForWholeRanges() throws {
        var random = SplitMix64(seed: 0x7A1)
        let prng = try PRNGConfiguration(family: .family(.xorshift32), parameters: [:])
        let residues = (0..<300).map { _ in UInt32(random.below(1000)) }
        let parameters = SieveParameters(prng: prng, modulus: 1000, window: 29, offset: 89, reverseWindow: 29, skips: 9...105,
                                         forwardThreshold: try Threshold(fraction: "0.36"), reverseThreshold: try Threshold(fraction: "0.22"))
        let plan = try SievePlan(parameters: parameters, residues: residues)
        let pass = try #require(CyclePass(plan: plan))
        #expect(pass.pays(for: SeedRange(first: 0, last: UInt64(UInt32.max))))
        #expect(!pass.pays(for: SeedRange(first: 0, last: (1 << 20) - 1)))
        #expect(!pass.pays(for: SeedRange(first: 0, last: UInt64(UInt32.max) + 1)), "seeds past 32 bits are not on the cycle")
        // Another family, or shifts off one cycle, have no pass.
        var other = parameters
        other.prng = try PRNGConfiguration(family: .family(.xorshift32), parameters: ["a": 1, "b": 1, "c": 1])
        #expect(CyclePass(plan: try SievePlan(parameters: other, residues: residues)) == nil)
        other.prng = try PRNGConfiguration(family: .family(.xorshift64), parameters: [:])
        #expect(CyclePass(plan: try SievePlan(parameters: other, residues: residues)) == nil)
    }
}
