import Foundation
import Sieve
import SieveMetal
import Testing

#if canImport(Metal)
@preconcurrency import Metal
#else
import _MetalEmulation
#endif

/// The executor drives the Metal backend as it drives the CPU: the same pruning, the same chunks,
/// the same overflow re-splits.
@Suite("The executor on Metal and the CPU", .enabled(if: BackendTestDevice.available, "\(BackendTestDevice.unavailable)"), .disabled(if: UntrustedGPU.isFlagged, "\(UntrustedGPU.reason)"))
struct ExecutorOnMetalTests {
    /// A java_lcg mod-1000 plan with a planted seed, whose thresholds few low-bit classes meet
    /// (T = 3, B = 19: 2^19 classes).
    static func javaPlan() throws -> (plan: SievePlan, planted: UInt64) {
        var random = SplitMix64(seed: 0x3A7A)
        let prng = PRNGConfiguration(.java_lcg)
        let planted = 1_000_000 + random.below(1 << 19)
        var residues = try prng.outputs(seed: planted, count: 40, burn: 3, skip: 2).map { UInt32($0 % 1000) }
        for index in 0..<40 where random.below(5) == 0 { residues[index] = UInt32(random.below(1000)) }
        let parameters = SieveParameters(
            prng: prng, modulus: 1000, window: 12, offset: 20, reverseWindow: 8, skips: 0...3, burn: 3,
            forwardThreshold: .matches(6), reverseThreshold: .matches(3), reverseScope: .forwardSurvivors)
        return (try SievePlan(parameters: parameters, residues: residues), planted)
    }

    @Test("Metal prunes a java_lcg mod-1000 plan: fewer seeds dispatched, the same survivors")
    func metalPrunes() throws {
        let (plan, planted) = try Self.javaPlan()
        let classes = try #require(plan.lowBitClasses)
        #expect(classes.classBits == 19)
        let seeds = SeedRange(first: 1_000_000, last: 1_000_000 + (UInt64(1) << 20) - 1)
        // The class table is sieved once and shared: the CPU's serves Metal.
        let table = try #require(try LowBitClassTable.table(for: plan, sievedBy: SieveExecutor(backend: CPUSieveBackend())))
        #expect(table.living.count * 16 <= 1 << 19, "\(table.living.count) classes live")
        #expect(LowBitClassTable.cached(for: plan) == table)

        let pruning = try BackendTestDevice.backend()
        #expect(try SieveExecutor(backend: pruning).pruning(for: plan, seeds: seeds) == table)
        let pruned = try pruning.survivors(of: plan, seeds: seeds)
        let plain = try BackendTestDevice.backend(.init(pruneLowBitClasses: false))
        let unpruned = try plain.survivors(of: plan, seeds: seeds)

        #expect(pruned == unpruned)
        #expect(pruned == (try CPUSieveBackend(pruneLowBitClasses: false).survivors(of: plan, seeds: seeds)))
        #expect(pruned.contains { $0.seed == planted })
        // A range of two periods, not aligned to them, touches three blocks: a seed a living class in each.
        #expect(pruning.statistics.seedsDispatched == UInt64(table.living.count) * 3)
        #expect(plain.statistics.seedsDispatched == 1 << 20)
        #expect(pruning.statistics.seedsDispatched * 16 < plain.statistics.seedsDispatched)
    }

    /// lcg32 mod 2^32 with modulus 1000 (2^3 low-bit classes) or 16 (2^4 classes, each of whose
    /// seeds all pass or all fail), a planted seed in ~900 seeds, and thresholds that few classes meet.
    static func lcgCase(_ random: inout SplitMix64, modulus: UInt64 = 1000) throws -> (plan: SievePlan, seeds: SeedRange) {
        let prng = try PRNGConfiguration(family: .family(.lcg32), parameters: ["m": 0])
        let first = random.below(1 << 31)
        let seeds = SeedRange(first: first, last: first + 800 + random.below(100))
        let skip = random.below(3)
        var residues = try prng.outputs(seed: first + random.below(800), count: 20, burn: 1, skip: skip).map { UInt32($0 % modulus) }
        for index in 0..<20 where random.below(6) == 0 { residues[index] = UInt32(random.below(modulus)) }
        let forward = modulus == 16 ? 7 : Int(2 + random.below(6))
        let parameters = SieveParameters(
            prng: prng, modulus: modulus, window: 10, offset: 6, reverseWindow: 6, skips: 0...2, burn: 1,
            forwardThreshold: .matches(forward), reverseThreshold: .matches(Int(random.below(4))),
            reverseScope: random.below(2) == 0 ? .fullRange : .forwardSurvivors)
        return (try SievePlan(parameters: parameters, residues: residues), seeds)
    }

    /// A Metal backend whose sizer always prefers at least 1024 seeds (so that the executor's cap
    /// sets the chunks), with `capacity` records.
    static func metal(capacity: Int) throws -> MetalSieveBackend {
        var configuration = MetalSieveBackend.Configuration(capacity: capacity)
        configuration.sizing.initialSeeds = 1024
        configuration.sizing.minimumSeeds = 1024
        configuration.sizing.maxGrowth = 1
        return try BackendTestDevice.backend(configuration)
    }

    @Test("both backends cut the same seed range into the same dispatches under the same capacity, re-splits included",
          arguments: [2, 64])
    func sameChunks(capacity: Int) throws {
        let metal = try Self.metal(capacity: capacity)
        let cpu = CPUSieveBackend(capacity: capacity)
        var random = SplitMix64(seed: 0xC4_0000 + UInt64(capacity))
        var strided = 0
        var resplit = 0
        // Random cases, and lcg32 mod 2^32 with an even modulus (2^3 low-bit classes) to see pruning.
        for i in 0..<30 {
            let c = i % 3 == 0 ? try Self.lcgCase(&random) : try { let r = try RandomSieveCase.make(&random); return (r.plan, r.seeds) }()
            let onCPU = try SieveExecutor(backend: cpu, maximumDispatchSeeds: 300).run(c.plan, seeds: c.seeds, tracing: true)
            let onMetal = try SieveExecutor(backend: metal, maximumDispatchSeeds: 300).run(c.plan, seeds: c.seeds, tracing: true)
            #expect(onMetal.dispatches == onCPU.dispatches, "\(c.plan.identity) \(c.seeds)")
            #expect(onMetal.survivors == onCPU.survivors, "\(c.plan.identity) \(c.seeds)")
            #expect(onMetal.dispatches.allSatisfy { $0.seedCount <= 300 && $0.capacity <= capacity })
            strided += onCPU.dispatches.contains { $0.pruned != nil } ? 1 : 0
            resplit += onCPU.overflows > 0 ? 1 : 0
        }
        #expect(strided > 0, "no case pruned")
        if capacity == 2 { #expect(resplit > 0, "no case overflowed") }
    }

    @Test("an overflow re-split gives the survivors of an unsplit run, on both backends")
    func overflowResplitEqualsUnsplit() throws {
        var random = SplitMix64(seed: 0x0F12)
        var checked = 0
        var stridedResplits = 0
        while checked < 12 {
            let c = checked % 2 == 0 ? try Self.lcgCase(&random, modulus: 16) : try { let r = try RandomSieveCase.make(&random); return (r.plan, r.seeds) }()
            // Unsplit: one dispatch with room for every survivor.
            let unsplit = try SieveExecutor(backend: CPUSieveBackend(capacity: 1 << 16)).run(c.plan, seeds: c.seeds, tracing: true)
            #expect(unsplit.overflows == 0)
            guard unsplit.survivors.count >= 3 else { continue }
            let backends: [any SieveDispatchBackend] = [CPUSieveBackend(capacity: 1), try BackendTestDevice.backend(.init(capacity: 1))]
            for backend in backends {
                let outcome = try SieveExecutor(backend: backend).run(c.plan, seeds: c.seeds, tracing: true)
                #expect(outcome.survivors == unsplit.survivors, "\(backend.name): \(c.plan.identity) \(c.seeds)")
                #expect(outcome.overflows > 0, "\(backend.name): \(c.plan.identity) \(c.seeds)")
                #expect(outcome.dispatches.contains { $0.resplitDepth > 0 })
                stridedResplits += outcome.dispatches.contains { $0.resplitDepth > 0 && $0.pruned != nil } ? 1 : 0
            }
            checked += 1
        }
        #expect(stridedResplits > 0, "no pruned dispatch was re-split")
    }
}
