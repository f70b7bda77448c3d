import Foundation
@testable import Sieve
import Testing

/// The phase timer: a no-op without a timer, nested phases counted exclusively, and a sweep's time
/// split into its phases. No assertion here is about speed: only about what is measured where.
@Suite("The phase timer")
struct PhaseTimerTests {
    @Test("without a timer, measure just runs its body")
    func noTimer() throws {
        #expect(PhaseTimer.current == nil)
        let value = PhaseTimer.measure(.kernel) { 41 + 1 }
        #expect(value == 42)
        #expect(throws: SieveCancelled.self) { try PhaseTimer.measure(.writing) { throw SieveCancelled() } }
    }

    @Test("nested phases are counted exclusively: the inner phase's time is not counted in the outer one")
    func nesting() throws {
        let timer = PhaseTimer()
        let start = ContinuousClock.now
        PhaseTimer.$current.withValue(timer) {
            PhaseTimer.measure(.tables) {
                Thread.sleep(forTimeInterval: 0.01)
                PhaseTimer.measure(.kernel) { Thread.sleep(forTimeInterval: 0.02) }
                PhaseTimer.measure(.kernel) { Thread.sleep(forTimeInterval: 0.01) }
            }
            PhaseTimer.measure(.kernel) { Thread.sleep(forTimeInterval: 0.01) }
        }
        let elapsed = ContinuousClock.now - start
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let report = timer.report(wall: wall)
        let kernel = try #require(report.seconds[.kernel])
        let tables = try #require(report.seconds[.tables])
        let kernelInTables = try #require(report.within[.tables]?[.kernel])
        #expect(kernel > kernelInTables && kernelInTables > 0 && tables > 0)
        #expect(report.inclusive(.tables) == tables + kernelInTables)
        #expect(report.calls[.kernel] == 3 && report.calls[.tables] == 1)
        #expect(report.callsWithInner[.tables] == 1 && report.callsWithInner[.kernel] == nil)
        #expect(report.measured <= wall)
        #expect(abs(report.measured + (report.seconds[.other] ?? -1) - wall) < 1e-9)
        #expect(PhaseTimer.Phase.allCases.allSatisfy { report.seconds[$0] != nil })
        // Outside the timer's scope nothing is charged.
        PhaseTimer.measure(.kernel) { Thread.sleep(forTimeInterval: 0.005) }
        #expect(timer.report(wall: wall).seconds[.kernel] == kernel)
    }

    @Test("a sweep with a timer set reports kernel, writing, tables and calibration time, summing to at most its wall time")
    func sweep() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("phase-timer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // lcg32 mod 2^32 with an even M: low-bit classes (a table of 8 classes) and an empirical
        // calibration, whose dispatches are kernel time nested in the other phases.
        var random = SplitMix64(seed: 0x7A1E_5EED_0000 + UInt64(UInt32.random(in: 0...UInt32.max)))
        let draws = (0..<40).map { _ in random.below(1000) }
        let historyPath = directory.appendingPathComponent("h.txt").path
        try Data((draws.map(String.init).joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: historyPath))
        let history = try DrawHistory.load(path: historyPath)
        let prng = try PRNGConfiguration(family: .family(.lcg32), parameters: ["m": 0])
        let parameters = SieveParameters(prng: prng, modulus: 1000, window: 12, offset: 12, skips: 0...3,
                                         forwardThreshold: .matches(2), reverseThreshold: .matches(1))
        let plan = try SievePlan(parameters: parameters, residues: try history.residues(modulus: 1000))
        #expect(plan.lowBitClasses?.classBits == 3)
        let sweep = SieveSweep(directory: directory.appendingPathComponent("sweep").path, plan: plan, history: history,
                               seeds: SeedRange(first: 0, last: (1 << 18) - 1), chunkSize: 1 << 16, chanceSampleSize: 1 << 16)
        let timer = PhaseTimer()
        let start = ContinuousClock.now
        let outcome = try PhaseTimer.$current.withValue(timer) { try sweep.run() }
        let elapsed = ContinuousClock.now - start
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        guard case .complete(let summary) = outcome else { Issue.record("the sweep did not complete"); return }
        #expect(summary.chance.model == .empirical)
        let report = timer.report(wall: wall)
        #expect((report.seconds[.kernel] ?? 0) > 0)
        #expect((report.seconds[.writing] ?? 0) > 0)
        // Every chunk's survivors and journal line, and the summary (a pruned plan's chunks are larger).
        let chunkSize = try sweep.effectiveChunkSize()
        let chunks = Int(((1 << 18) + chunkSize - 1) / chunkSize)
        #expect(report.calls[.writing] == chunks * 2 + 1)
        #expect(report.calls[.calibration] == 1)
        #expect((report.within[.calibration]?[.kernel] ?? 0) > 0)
        #expect(report.calls[.tables] == 1)  // sieved once for the plan, then taken from the cache by every chunk
        #expect(report.measured <= wall)
        let sum = PhaseTimer.Phase.allCases.reduce(0) { $0 + (report.seconds[$1] ?? 0) }
        #expect(abs(sum - wall) < 1e-9)
        #expect(PhaseTimer.Phase.allCases.allSatisfy { report.share($0) >= 0 && report.share($0) <= 1 })
    }
}
