import Sieve
import Testing

@Suite("The sieve executor: splitting, re-splitting, pruning")
struct SieveExecutorTests {
    @Test("the split rule takes the preferred size, capped, and all that remains when it fits in 1.25")
    func splitRule() {
        #expect(SieveExecutor.chunkSeeds(remaining: 1 << 40, preferred: 1000, maximum: 1 << 30) == 1000)
        #expect(SieveExecutor.chunkSeeds(remaining: 1250, preferred: 1000, maximum: 1 << 30) == 1250)
        #expect(SieveExecutor.chunkSeeds(remaining: 1251, preferred: 1000, maximum: 1 << 30) == 1000)
        #expect(SieveExecutor.chunkSeeds(remaining: 1200, preferred: 1000, maximum: 1000) == 1000)
        #expect(SieveExecutor.chunkSeeds(remaining: 7, preferred: 0, maximum: 1 << 30) == 1)
        #expect(SieveExecutor.chunkSeeds(remaining: UInt128(1) << 64, preferred: UInt64.max, maximum: 1 << 30) == 1 << 30)
    }

    @Test("a re-split covers the dispatch's seeds exactly, in pieces sized to the survivors")
    func resplitRule() {
        let dispatch = SieveDispatch(index: 4, firstSeed: 100, seedCount: 1001, seedStride: 8, capacity: 10, resplitDepth: 1)
        let pieces = SieveExecutor.resplit(dispatch, survivorCount: 40, capacity: 10)
        #expect(pieces.count == 6)  // 40·5/4 / 10 + 1
        #expect(pieces.allSatisfy { $0.index == 4 && $0.resplitDepth == 2 && $0.seedStride == 8 && $0.capacity == 10 })
        #expect(pieces.map(\.seedCount).reduce(0, +) == 1001)
        var next = dispatch.firstSeed
        for piece in pieces {
            #expect(piece.firstSeed == next)
            next = piece.lastSeed + 8
        }
        #expect(pieces.last?.lastSeed == dispatch.lastSeed)
        let pair = SieveDispatch(index: 0, firstSeed: 5, seedCount: 2, capacity: 1)
        #expect(SieveExecutor.resplit(pair, survivorCount: 2, capacity: 1).map(\.seedCount) == [1, 1])
    }

    @Test("the CPU's dispatches: one 2^30-capped range, or one range of positions of the pruned set")
    func cpuDispatches() throws {
        var random = SplitMix64(seed: 0xE4EC)
        let prng = try PRNGConfiguration(family: .family(.lcg32), parameters: ["m": 0])
        let planted: UInt64 = 1_000_000
        var residues = try prng.outputs(seed: planted, count: 8, burn: 0, skip: 1).map { UInt32($0 % (1 << 20)) }
        for index in 0..<8 where random.below(3) == 0 { residues[index] = UInt32(random.below(1 << 20)) }
        let parameters = SieveParameters(prng: prng, modulus: 1 << 20, window: 8, offset: 0, skips: 0...1,
                                         forwardThreshold: .matches(3))
        let plan = try SievePlan(parameters: parameters, residues: residues)
        let classes = try #require(plan.lowBitClasses)
        #expect(classes.classBits == 20)
        let seeds = SeedRange(first: 12_345, last: 12_345 + (3 << 20) + 17)
        let cpu = CPUSieveBackend()
        // Three periods are too few for the executor to sieve a table on its own; a sweep of more
        // sieves it first, as here.
        #expect(try SieveExecutor(backend: cpu).pruning(for: plan, seeds: seeds) == nil)
        _ = try LowBitClassTable.table(for: plan, sievedBy: SieveExecutor(backend: cpu))
        let pruned = try SieveExecutor(backend: cpu).run(plan, seeds: seeds, tracing: true)
        let table = try #require(pruned.pruning)
        #expect(table.living.contains(planted % (1 << 20)))
        let positions = table.positions(in: seeds)
        #expect(pruned.dispatches == [SieveDispatch(index: 0, firstSeed: positions.first, seedCount: UInt64(positions.count),
                                                    capacity: min(cpu.capacity, Int(positions.count)), pruned: .init(table: table, keptSeeds: seeds))])
        #expect(pruned.seedsDispatched == positions.count)
        #expect(pruned.seedsDispatched < seeds.count / 16)
        let plain = try SieveExecutor(backend: cpu, pruneLowBitClasses: false).run(plan, seeds: seeds, tracing: true)
        #expect(plain.pruning == nil)
        #expect(plain.dispatches == [SieveDispatch(index: 0, firstSeed: seeds.first, seedCount: UInt64(seeds.count), capacity: cpu.capacity)])
        #expect(pruned.survivors == plain.survivors)
        #expect(pruned.survivors.contains { $0.seed == planted })
    }
}
