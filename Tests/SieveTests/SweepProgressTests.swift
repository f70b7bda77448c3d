import Foundation
import Sieve
import Testing

/// A CPU backend that asks for small dispatches: a chunk of a sweep takes several.
struct SmallDispatchBackend: SieveDispatchBackend {
    var cpu = CPUSieveBackend(pruneLowBitClasses: false)
    let seedsPerDispatch: UInt64
    var name: String { "cpu" }
    var recordCapacity: Int { cpu.recordCapacity }
    var pruneLowBitClasses: Bool { false }
    func preferredDispatchSeeds(for identity: PlanIdentity) -> UInt64 { seedsPerDispatch }
    func execute(_ dispatch: SieveDispatch, of plan: SievePlan, identity: PlanIdentity) throws -> SieveDispatch.Outcome {
        try cpu.execute(dispatch, of: plan, identity: identity)
    }
}

@Suite("A sweep's progress within its chunks")
struct SweepProgressTests {
    @Test("a sweep reports progress after each dispatch within a chunk, rising to each checkpoint; its files are those of a sweep in whole-chunk dispatches")
    func withinChunks() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-progress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = SplitMix64(seed: 0x5EE9)
        let draws = (0..<40).map { _ in random.below(1000) }
        let historyPath = directory.appendingPathComponent("h.txt").path
        try Data((draws.map(String.init).joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: historyPath))
        let history = try DrawHistory.load(path: historyPath)
        let prng = try PRNGConfiguration(family: .family(.lcg32), parameters: ["m": 0])
        let parameters = SieveParameters(prng: prng, modulus: 1000, window: 12, offset: 12, skips: 0...3,
                                         forwardThreshold: .matches(2), reverseThreshold: .matches(1))
        let plan = try SievePlan(parameters: parameters, residues: try history.residues(modulus: 1000))
        let seeds = SeedRange(first: 0, last: (1 << 16) - 1)

        func sweep(_ name: String, backend: any SieveBackend) throws -> [SieveSweep.Progress] {
            var reports: [SieveSweep.Progress] = []
            let sweep = SieveSweep(directory: directory.appendingPathComponent(name).path, plan: plan, history: history,
                                   seeds: seeds, backend: backend, chunkSize: 1 << 14, chanceSampleSize: 1 << 14)
            guard case .complete = try sweep.run(progress: { reports.append($0) }) else {
                Issue.record("the sweep did not complete")
                return reports
            }
            return reports
        }
        let small = try sweep("small", backend: SmallDispatchBackend(seedsPerDispatch: 1 << 11))
        let whole = try sweep("whole", backend: CPUSieveBackend(pruneLowBitClasses: false))

        // Whole-chunk dispatches: only checkpoints (before the first chunk, after each of 4).
        #expect(whole.map(\.isCheckpoint) == [Bool](repeating: true, count: 5))
        #expect(whole.map(\.seedsSwept) == whole.map(\.seedsDone))
        // 8 dispatches a chunk: 7 reports within each of the 4 chunks, between its checkpoints.
        #expect(small.count == 5 + 4 * 7)
        #expect(small.filter(\.isCheckpoint).map(\.seedsDone) == whole.map(\.seedsDone))
        for (previous, next) in zip(small, small.dropFirst()) {
            #expect(next.seedsSwept > previous.seedsSwept)
            if !next.isCheckpoint {
                // Within a chunk: the checkpoint stays, the swept seeds rise by whole dispatches.
                #expect(next.seedsDone == previous.seedsDone && next.chunksDone == previous.chunksDone)
                #expect(next.seedsSwept - next.seedsDone <= UInt128(1 << 14) && next.seedsSwept % (1 << 11) == 0)
            }
        }
        // The same survivors, journal and summary (but for its times) either way.
        for file in [SieveSweep.survivorFileName, SweepJournal.fileName] {
            let a = FileManager.default.contents(atPath: directory.appendingPathComponent("small/\(file)").path)
            let b = FileManager.default.contents(atPath: directory.appendingPathComponent("whole/\(file)").path)
            #expect(a != nil && a == b, "\(file)")
        }
    }

    @Test("the executor's meter: the share done after each top-level dispatch, to the whole, not counting the class table's runs")
    func executorMeter() throws {
        let prng = try PRNGConfiguration(family: .family(.lcg32), parameters: ["m": 0])
        let parameters = SieveParameters(prng: prng, modulus: 1000, window: 12, offset: 12, skips: 0...3,
                                         forwardThreshold: .matches(2), reverseThreshold: .matches(1))
        var random = SplitMix64(seed: 0x3E7E)
        let plan = try SievePlan(parameters: parameters, residues: (0..<40).map { _ in UInt32(random.below(1000)) })
        nonisolated(unsafe) var reports: [(UInt128, UInt128)] = []
        let meter = SieveMeter { reports.append(($0, $1)) }
        let seeds = SeedRange(first: 0, last: 9_999)
        let executor = SieveExecutor(backend: CPUSieveBackend(), maximumDispatchSeeds: 1000, meter: meter)
        let outcome = try executor.run(plan, seeds: seeds)
        #expect(outcome.survivors == (try CPUSieveBackend().survivors(of: plan, seeds: seeds)))
        let total = reports.first?.1 ?? 0
        #expect(reports.count >= 2 && reports.allSatisfy { $0.1 == total })
        #expect(reports.last?.0 == total)
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.0 < $1.0 })
    }
}
