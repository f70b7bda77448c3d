import Sieve
import Testing

@Suite("The sieve against its plain oracle")
struct SieveOracleTests {
    @Test("vector lanes, on the plan's body, equal the oracle on random configurations, for every instruction set",
          arguments: CPUSieveBackend.InstructionSet.supported, 0..<4)
    func vectorLanesEqualOracle(isa: CPUSieveBackend.InstructionSet, batch: Int) throws {
        var random = SplitMix64(seed: 0x5E1E_0000 + UInt64(batch))
        for _ in 0..<25 {
            let c = try RandomSieveCase.make(&random)
            let expected = try SieveOracle.survivors(of: c.plan, seeds: c.seeds)
            let actual = try CPUSieveBackend(instructionSet: isa).survivors(of: c.plan, seeds: c.seeds)
            #expect(actual == expected, "\(isa): \(c)")
        }
    }

    @Test("mt19937 over up to 32 skips and over more (lane groups of two widths) equals the oracle",
          arguments: [UInt32(5), 40])
    func mt19937GroupWidths(skips: UInt32) throws {
        var random = SplitMix64(seed: 0x4D54 + UInt64(skips))
        let residues = (0..<12).map { _ in UInt32(random.below(10)) }
        let parameters = SieveParameters(
            prng: PRNGConfiguration(.mt19937), modulus: 10, window: 4, offset: 4, reverseWindow: 3, skips: 0...(skips - 1),
            forwardThreshold: .matches(3), reverseThreshold: .matches(2), reverseScope: .fullRange)
        let plan = try SievePlan(parameters: parameters, residues: residues)
        let seeds = SeedRange(first: 4_000_000_000, last: 4_000_000_299)
        let expected = try SieveOracle.survivors(of: plan, seeds: seeds)
        #expect(!expected.isEmpty)
        for isa in CPUSieveBackend.InstructionSet.supported {
            #expect(try CPUSieveBackend(instructionSet: isa).survivors(of: plan, seeds: seeds) == expected, "\(isa)")
        }
    }

    @Test("this CPU runs the generic variant, and the widest it supports by default")
    func instructionSets() {
        let supported = CPUSieveBackend.InstructionSet.supported
        #expect(supported.first?.name == "generic")
        #expect(CPUSieveBackend.InstructionSet.best == supported.last)
        #expect(supported.allSatisfy { $0.laneWidth >= 8 })
    }

    @Test("the streamed body equals the oracle for the jump families too", arguments: 0..<3)
    func streamedBodyForJumpFamilies(batch: Int) throws {
        var random = SplitMix64(seed: 0x57E4_0000 + UInt64(batch))
        for _ in 0..<20 {
            let c = try RandomSieveCase.make(&random, families: [.lcg32, .java_lcg, .minstd, .pcg32, .philox4x32])
            let expected = try SieveOracle.survivors(of: c.plan, seeds: c.seeds)
            for isa in CPUSieveBackend.InstructionSet.supported {
                let actual = try CPUSieveBackend(strategy: .streamed, instructionSet: isa).survivors(of: c.plan, seeds: c.seeds)
                #expect(actual == expected, "\(isa): \(c)")
            }
        }
    }

    @Test("the per-thread kernels (Metal's execution model) equal the oracle", arguments: 0..<3)
    func perThreadKernelsEqualOracle(batch: Int) throws {
        var random = SplitMix64(seed: 0x9E27_0000 + UInt64(batch))
        for _ in 0..<20 {
            let c = try RandomSieveCase.make(&random)
            let expected = try SieveOracle.survivors(of: c.plan, seeds: c.seeds)
            let actual = try CPUSieveBackend(execution: .perThread).survivors(of: c.plan, seeds: c.seeds)
            #expect(actual == expected, "\(c)")
        }
    }

    @Test("low-bit class pruning keeps exactly the survivors of the plain sweep", arguments: [
        (PRNGFamily.ID.lcg32, UInt64(1000)), (.lcg32, 1 << 20), (.lcg32, 1 << 32), (.java_lcg, 2), (.java_lcg, 1000),
    ])
    func lowBitPruning(_ id: PRNGFamily.ID, _ modulus: UInt64) throws {
        var random = SplitMix64(seed: modulus ^ 0x10B1)
        let prng = id == .lcg32 ? try PRNGConfiguration(family: .family(.lcg32), parameters: ["m": 0]) : PRNGConfiguration(id)
        for _ in 0..<3 {
            // A planted seed in the range, and thresholds that few low-bit classes meet.
            let planted = 1_000_000 + random.below(1 << 20)
            let skip = random.below(4)
            var residues = try prng.outputs(seed: planted, count: 40, burn: 3, skip: skip).map { UInt32($0 % modulus) }
            for index in 0..<40 where modulus > 2 && random.below(5) == 0 { residues[index] = UInt32(random.below(modulus)) }
            let parameters = SieveParameters(
                prng: prng, modulus: modulus, window: 12, offset: 20, reverseWindow: 8, skips: 0...3, burn: 3,
                forwardThreshold: .matches(modulus == 2 ? 12 : 6), reverseThreshold: .matches(modulus == 2 ? 8 : 3),
                reverseScope: random.below(2) == 0 ? .fullRange : .forwardSurvivors)
            let plan = try SievePlan(parameters: parameters, residues: residues)
            let classes = try #require(plan.lowBitClasses)
            let seeds = SeedRange(first: 1_000_000, last: 1_000_000 + (UInt64(1) << UInt64(max(classes.classBits + 1, 21))) - 1)
            let pruning = CPUSieveBackend()
            let living = try #require(try pruning.livingClassCount(of: plan))
            #expect(try pruning.prunes(plan, seeds: seeds), "the pruned path must run: \(living) classes live")
            let pruned = try pruning.survivors(of: plan, seeds: seeds)
            let plain = try CPUSieveBackend(pruneLowBitClasses: false).survivors(of: plan, seeds: seeds)
            #expect(pruned == plain, "\(id) M=\(modulus)")
            #expect(pruned.contains { $0.seed == planted }, "\(id) M=\(modulus): planted seed")
        }
    }

    @Test("a buffer that overflows is re-run in pieces, with the same survivors")
    func overflowIsResplit() throws {
        var random = SplitMix64(seed: 0x0F10)
        var checked = 0
        while checked < 12 {
            let c = try RandomSieveCase.make(&random)
            let expected = try SieveOracle.survivors(of: c.plan, seeds: c.seeds)
            guard expected.count >= 3 else { continue }
            for execution in CPUSieveBackend.Execution.allCases {
                let tiny = CPUSieveBackend(execution: execution, capacity: 1)
                #expect(try tiny.survivors(of: c.plan, seeds: c.seeds) == expected, "\(execution) \(c)")
            }
            checked += 1
        }
    }
}
