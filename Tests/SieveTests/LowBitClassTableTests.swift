import Foundation
import Testing
@testable import Sieve

/// The class table decides which (seed, skip) pairs are never counted: it must be exact, and every
/// chunk of a sweep, however small, must use it.
struct LowBitClassTableTests {
    /// lcg32 mod 2^32 with M = 2^12: 4096 classes, few enough for the oracle to check each.
    static func plan(seed: UInt64, window: Int = 10, skips: ClosedRange<UInt32> = 0...5, forward: Int = 5, reverse: Int = 3,
                     scope: SieveParameters.ReverseScope) throws -> (SievePlan, planted: UInt64) {
        var random = SplitMix64(seed: seed)
        let prng = try PRNGConfiguration(family: .family(.lcg32), parameters: ["m": 0])
        let modulus: UInt64 = 1 << 12
        let planted = 50_000 + random.below(1 << 16)
        let skip = UInt64(skips.lowerBound) + random.below(UInt64(skips.count))
        var residues = try prng.outputs(seed: planted, count: 40, burn: 0, skip: skip).map { UInt32($0 % modulus) }
        for index in 0..<40 where random.below(6) == 0 { residues[index] = UInt32(random.below(modulus)) }
        let parameters = SieveParameters(
            prng: prng, modulus: modulus, window: window, offset: 14, reverseWindow: 6, skips: skips,
            forwardThreshold: .matches(forward), reverseThreshold: .matches(reverse), reverseScope: scope)
        return (try SievePlan(parameters: parameters, residues: residues), planted)
    }

    @Test("each class's skip masks are exactly the skips at which its class plan passes each window",
          arguments: [SieveParameters.ReverseScope.forwardSurvivors, .fullRange])
    func masksAreExact(scope: SieveParameters.ReverseScope) throws {
        let (plan, _) = try Self.plan(seed: 0xC1A5 ^ UInt64(scope == .fullRange ? 1 : 0), scope: scope)
        let classes = try #require(plan.lowBitClasses)
        let table = try #require(try LowBitClassTable.table(for: plan, sievedBy: SieveExecutor(backend: CPUSieveBackend())))
        let classPlan = plan.classPlan(classes)
        let period = UInt64(1) << UInt64(classes.classBits)
        // The oracle, per skip: which classes pass the forward window, and which the reverse.
        var forward: [UInt64: Set<UInt32>] = [:], reverse: [UInt64: Set<UInt32>] = [:]
        for skip in plan.parameters.skips {
            // The reverse window matters everywhere with the full scope, else only where the forward one passes.
            let single = classPlan.classPlan(atSkip: skip, reverseEverywhere: true)
            for record in try SieveOracle.survivors(of: single, seeds: SeedRange(first: 0, last: period - 1)) {
                let passesForward = record.passed.contains(.forward)
                if passesForward { forward[record.seed, default: []].insert(skip) }
                if record.passed.contains(.reverse) && (scope == .fullRange || passesForward) {
                    reverse[record.seed, default: []].insert(skip)
                }
            }
        }
        let expectedLiving = Set(forward.keys).union(scope == .fullRange ? Set(reverse.keys) : []).sorted()
        #expect(table.living.sorted() == expectedLiving)
        #expect(!table.living.isEmpty && table.living.count < Int(period) / 2, "a plan that prunes: \(table.living.count) live")
        for (j, c) in table.living.enumerated() {
            let base = j * 2 * table.maskWords
            for skip in plan.parameters.skips {
                let k = Int(skip - plan.parameters.skips.lowerBound)
                let forwardBit = table.skipMasks[base + k / 32] >> UInt32(k % 32) & 1 == 1
                let reverseBit = table.skipMasks[base + table.maskWords + k / 32] >> UInt32(k % 32) & 1 == 1
                #expect(forwardBit == (forward[c]?.contains(skip) ?? false), "class \(c) skip \(skip) forward")
                #expect(reverseBit == (reverse[c]?.contains(skip) ?? false), "class \(c) skip \(skip) reverse")
            }
        }
    }

    @Test("the pruned set holds each block's living seeds once, neighbours sharing skip masks")
    func positions() throws {
        let (plan, _) = try Self.plan(seed: 0x9051, scope: .forwardSurvivors)
        let table = try #require(try LowBitClassTable.table(for: plan, sievedBy: SieveExecutor(backend: CPUSieveBackend())))
        let n = UInt64(table.living.count)
        let seeds = SeedRange(first: 2 * table.period + 7, last: 5 * table.period - 3)
        let positions = table.positions(in: seeds)
        #expect(positions.first == 2 * n && positions.count == UInt128(3 * n))
        let held = (positions.first..<positions.first + 3 * n).map { table.seed(at: $0) }
        let expected = (2 * table.period..<5 * table.period).filter { table.living.contains($0 % table.period) }
        #expect(held.sorted() == expected)
        // Equal masks are neighbours: each mask's classes form one run.
        let masks = (0..<table.living.count).map { j in Array(table.skipMasks[j * 2 * table.maskWords..<(j + 1) * 2 * table.maskWords]) }
        var seen = Set<[UInt32]>()
        for (j, mask) in masks.enumerated() where j == 0 || mask != masks[j - 1] {
            #expect(seen.insert(mask).inserted, "the classes of mask \(mask) are not together")
        }
        let whole = table.positions(in: SeedRange(first: 0, last: .max))
        #expect(whole.first == 0 && whole.count == UInt128(n) << UInt128(64 - table.classes.classBits))
    }

    @Test("a chunk smaller than the class period is pruned too, with the oracle's survivors, on every body",
          arguments: [SieveParameters.ReverseScope.forwardSurvivors, .fullRange])
    func smallChunksArePruned(scope: SieveParameters.ReverseScope) throws {
        let (plan, planted) = try Self.plan(seed: 0x5A11 ^ UInt64(scope == .fullRange ? 1 : 0), scope: scope)
        let period = UInt64(1) << UInt64(try #require(plan.lowBitClasses).classBits)
        // The search's case: chunks of a quarter of the period, one of them holding the planted seed.
        let chunk = SeedRange(first: planted - period / 8, last: planted + period / 8 - 1)
        let expected = try SieveOracle.survivors(of: plan, seeds: chunk)
        #expect(expected.contains { $0.seed == planted })
        // As a sweep does: the table is sieved once for the whole range, then every chunk uses it.
        _ = try #require(try LowBitClassTable.table(for: plan, sievedBy: SieveExecutor(backend: CPUSieveBackend())))
        var backends = CPUSieveBackend.InstructionSet.supported.map { CPUSieveBackend(instructionSet: $0) }
        backends.append(CPUSieveBackend(execution: .perThread))
        for backend in backends {
            let outcome = try SieveExecutor(backend: backend).run(plan, seeds: chunk, tracing: true)
            #expect(outcome.pruning != nil, "\(backend.instructionSet) \(backend.execution): the chunk must be pruned")
            #expect(outcome.seedsDispatched < chunk.count / 2)
            #expect(outcome.survivors == expected, "\(backend.instructionSet) \(backend.execution)")
        }
    }

    @Test("many skips (more than one mask word), thresholds few classes meet: pruned equals the oracle")
    func manySkips() throws {
        let (plan, planted) = try Self.plan(seed: 0x3A4B, window: 14, skips: 3...70, forward: 7, reverse: 3, scope: .fullRange)
        let table = try #require(try LowBitClassTable.table(for: plan, sievedBy: SieveExecutor(backend: CPUSieveBackend())))
        #expect(table.maskWords == 3)
        let seeds = SeedRange(first: planted - 3000, last: planted + 5000)
        let pruned = try CPUSieveBackend().survivors(of: plan, seeds: seeds)
        #expect(pruned == (try SieveOracle.survivors(of: plan, seeds: seeds)))
    }

    @Test("a pruned sweep takes chunks as much larger as the table thins the pairs, and a stopped one resumes to the same files")
    func prunedSweepChunks() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pruned-sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { if ProcessInfo.processInfo.environment["KEEP_TEST_DIRS"] == nil { try? FileManager.default.removeItem(at: directory) } }
        let (planned, _) = try Self.plan(seed: 0x5EE9, scope: .forwardSurvivors)
        // The planted history as a file, so that the sweep's plan is the one its history gives.
        let prng = planned.parameters.prng
        let planted: UInt64 = 70_001
        var residues = try prng.outputs(seed: planted, count: 40, burn: 0, skip: 2).map { $0 % 4096 }
        residues[7] = (residues[7] + 1) % 4096
        let historyPath = directory.appendingPathComponent("h.txt").path
        try Data((residues.map(String.init).joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: historyPath))
        let history = try DrawHistory.load(path: historyPath)
        let plan = try SievePlan(parameters: planned.parameters, residues: try history.residues(modulus: 4096))
        let seeds = SeedRange(first: 0, last: (1 << 20) - 1)
        let chunkSize: UInt64 = 16  // small, so that even scaled up the sweep has several chunks
        func sweep(_ name: String) -> SieveSweep {
            SieveSweep(directory: directory.appendingPathComponent(name).path, plan: plan, history: history, seeds: seeds,
                       chunkSize: chunkSize, chanceSampleSize: 1 << 12)
        }
        let table = try #require(try LowBitClassTable.table(for: plan, sievedBy: SieveExecutor(backend: CPUSieveBackend())))
        let expectedChunk = try sweep("whole").effectiveChunkSize()
        #expect(expectedChunk > chunkSize && expectedChunk <= UInt64(Double(chunkSize) / table.sievedFraction))
        #expect(seeds.count / UInt128(expectedChunk) >= 4, "\(expectedChunk) seeds a chunk")
        guard case .complete = try sweep("whole").run() else { Issue.record("the sweep did not complete"); return }
        // Stopped after its first chunk, then resumed by a fresh sweep object: the same files.
        var chunks = 0
        guard case .interrupted = try sweep("resumed").run(progress: { _ in chunks += 1 }, shouldStop: { chunks >= 2 }) else {
            Issue.record("the sweep was not stopped"); return
        }
        guard case .complete = try sweep("resumed").run() else { Issue.record("the resumed sweep did not complete"); return }
        func contents(_ run: String, _ name: String) throws -> String {
            // The manifest's creation time is the one line that may differ.
            try String(contentsOf: directory.appendingPathComponent(run).appendingPathComponent(name), encoding: .utf8)
                .split(separator: "\n").filter { !$0.contains("\"created\"") }.joined(separator: "\n")
        }
        #expect(try Data(contentsOf: directory.appendingPathComponent("whole/\(SieveSweep.survivorFileName)"))
                == Data(contentsOf: directory.appendingPathComponent("resumed/\(SieveSweep.survivorFileName)")))
        for name in [SweepJournal.fileName, SweepManifest.fileName, SweepSummary.fileName] {
            #expect(try contents("whole", name) == contents("resumed", name), "\(name)")
        }
        let manifest = try String(contentsOf: directory.appendingPathComponent("whole").appendingPathComponent(SweepManifest.fileName), encoding: .utf8)
        #expect(manifest.contains("\(expectedChunk)"))
        let survivors = try CPUSieveBackend(pruneLowBitClasses: false).survivors(of: plan, seeds: seeds)
        #expect(survivors.contains { $0.seed == planted })
        let written = try Data(contentsOf: directory.appendingPathComponent("whole").appendingPathComponent(SieveSweep.survivorFileName))
        #expect(written.count == survivors.count * SurvivorRecord.encodedSize)
    }
}
