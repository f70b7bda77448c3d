import Foundation
import Testing
import Sieve
@testable import Soak

/// The gate's verdicts on hand-made iterations, and the driver rules' suggestions.
@Suite struct KPIGateTests {
    static let thresholds = SoakThresholds(
        minThroughputRatio: [.init(workload: "default", ratio: 0.8), .init(workload: "W3", ratio: 0.5)], historyWindow: 10,
        minHistory: 3, maxNoiseCv: 0.15, canaryRecall: 1, chanceMaxZ: 3, maxFailedIterations: 0,
        drivers: .init(perChunkOverheadMax: 0.03, threadScalingMin: 0.9, dispatchMsMin: 50, dispatchMsMax: 100, memoryGrowthMax: 0.2,
                       narrowerLaneGainMax: 1.05))

    static func summary(_ iteration: Int, rates: [String: Double], recall: Int = 1, z: Double = 0.1, success: Bool = true) -> IterationSummary {
        IterationSummary(
            iteration: iteration, success: success, failure: success ? nil : "boom", overrides: SoakOverrides(),
            workloads: rates.sorted { $0.key < $1.key }.map { .init(workload: $0.key, seeds: UInt64($0.value), seconds: 1, threads: 2, backend: "cpu") },
            canary: .init(plantedSeed: 7, plantedSkip: 3, trials: 3, recoveredSeed: recall == 1 ? 7 : nil, recall: recall),
            chance: .init(seeds: 1000, observed: 10, expected: 10, z: z),
            measurements: .init(perChunkOverhead: nil, threadScaling: nil, dispatchMs: nil, peakResidentMebibytes: 40, memoryGrowth: nil),
            drivers: [], suggestedDeltas: [:], rationale: [], kpi: "PASS", nextOverrides: SoakOverrides(), finished: "")
    }

    @Test func passesWithinTheRatioOfTheHistory() {
        // Median of 95, 100, 105 = 100 against the history's median 110: 0.909 ≥ 0.8.
        let summaries = [95.0, 100, 105].enumerated().map { Self.summary($0.offset + 1, rates: ["W1": $0.element]) }
        let gate = KPIGate.evaluate(summaries, history: ["W1": [100, 110, 120]], thresholds: Self.thresholds)
        #expect(gate.verdict == .pass, "\(gate.reasons)")
        #expect(abs((gate.throughput.first?.ratio ?? 0) - 100.0 / 110) < 1e-12)
    }

    @Test func failsBelowTheRatioWhenTheSamplesAreSteady() {
        // 70 / 100 = 0.7 < 0.8, samples 69, 70, 71 (CV 1.4 %) and history 99, 100, 101: a real drop.
        let summaries = [69.0, 70, 71].enumerated().map { Self.summary($0.offset + 1, rates: ["W1": $0.element]) }
        let gate = KPIGate.evaluate(summaries, history: ["W1": [99, 100, 101]], thresholds: Self.thresholds)
        #expect(gate.verdict == .fail)
        #expect(gate.reasons.first?.contains("0.70×") == true, "\(gate.reasons)")
        // A workload's own minimum: W3 passes at 0.7 (its minimum is 0.5).
        let w3 = [69.0, 70, 71].enumerated().map { Self.summary($0.offset + 1, rates: ["W3": $0.element]) }
        #expect(KPIGate.evaluate(w3, history: ["W3": [99, 100, 101]], thresholds: Self.thresholds).verdict == .pass)
    }

    @Test func inconclusiveWhenTheSamplesAreNoisy() {
        // Samples 40, 70, 100: median 70 (0.7×) but CV = 30 / 70 = 43 % > 15 %.
        let summaries = [40.0, 70, 100].enumerated().map { Self.summary($0.offset + 1, rates: ["W1": $0.element]) }
        let gate = KPIGate.evaluate(summaries, history: ["W1": [99, 100, 101]], thresholds: Self.thresholds)
        #expect(gate.verdict == .inconclusive)
        #expect(gate.reasons.first?.contains("run the soak again") == true)
        #expect(abs(KPIGate.variation([40, 70, 100]) - 30.0 / 70) < 1e-12)
    }

    @Test func warnsWithoutHistory() {
        let gate = KPIGate.evaluate([Self.summary(1, rates: ["W1": 100])], history: ["W1": [100, 100]], thresholds: Self.thresholds)
        #expect(gate.verdict == .warn)
        #expect(gate.reasons.first?.contains("2 earlier soak records") == true, "\(gate.reasons)")
    }

    @Test func canaryChanceAndFailuresFail() {
        let history = ["W1": [100.0, 100, 100]]
        #expect(KPIGate.evaluate([Self.summary(1, rates: ["W1": 100], recall: 0)], history: history, thresholds: Self.thresholds).verdict == .fail)
        #expect(KPIGate.evaluate([Self.summary(1, rates: ["W1": 100], z: 3.5)], history: history, thresholds: Self.thresholds).verdict == .fail)
        #expect(KPIGate.evaluate([Self.summary(1, rates: ["W1": 100], z: 2.5)], history: history, thresholds: Self.thresholds).verdict == .warn)
        let failed = [Self.summary(1, rates: ["W1": 100]), Self.summary(2, rates: [:], success: false)]
        let gate = KPIGate.evaluate(failed, history: history, thresholds: Self.thresholds)
        #expect(gate.verdict == .fail && gate.reasons.first?.contains("iteration 2: boom") == true, "\(gate.reasons)")
        // A FAIL wins over an inconclusive workload.
        let mixed = [40.0, 70, 100].enumerated().map { Self.summary($0.offset + 1, rates: ["W1": $0.element], recall: 0) }
        #expect(KPIGate.evaluate(mixed, history: ["W1": [99, 100, 101]], thresholds: Self.thresholds).verdict == .fail)
    }

    @Test func driverRulesSuggestDeltas() {
        let limits = Self.thresholds.drivers
        let measured = IterationSummary.Measurements(perChunkOverhead: 0.05, threadScaling: 0.7, dispatchMs: 140, peakResidentMebibytes: 60,
                                                     memoryGrowth: 0.5)
        let drivers = DriverRules.drivers(measured, overrides: SoakOverrides(chunkSize: 4096), limits: limits, defaultThreads: 4, defaultChunkSize: 262144)
        #expect(drivers.map(\.name) == ["per_chunk_overhead", "thread_scaling", "dispatch_ms", "memory_growth"])
        // Doubling (+4096) and halving (−2048) the chunk: +2048 net; threads 4 → 3; dispatch target 75 − 140 = −65.
        #expect(DriverRules.deltas(drivers) == ["chunk_size": 2048, "threads": -1, "dispatch_target_ms": -65])
        let next = SoakOverrides(chunkSize: 4096).applying(drivers.flatMap(\.deltas))
        #expect(next.chunkSize == 6144 && next.threads == 3 && next.dispatchTargetMs == 10)
        // Within every limit: nothing.
        let quiet = IterationSummary.Measurements(perChunkOverhead: 0.01, threadScaling: 0.95, dispatchMs: 70, peakResidentMebibytes: 40, memoryGrowth: 0.05)
        #expect(DriverRules.drivers(quiet, overrides: SoakOverrides(), limits: limits, defaultThreads: 2, defaultChunkSize: 262144).isEmpty)
        // One thread cannot lose one.
        #expect(DriverRules.drivers(.init(perChunkOverhead: nil, threadScaling: 0.5, dispatchMs: nil, peakResidentMebibytes: 1, memoryGrowth: nil),
                                    overrides: SoakOverrides(threads: 1), limits: limits, defaultThreads: 2, defaultChunkSize: 1).isEmpty)
    }

    @Test func narrowerLanesWhenTheyAreFaster() throws {
        let supported = CPUSieveBackend.InstructionSet.supported.map(\.name)
        try #require(supported.count >= 2, "this CPU runs one instruction set: no narrower one to suggest")
        let (wide, narrow) = (supported[supported.count - 1], supported[supported.count - 2])
        let faster = IterationSummary.Measurements(perChunkOverhead: nil, threadScaling: nil, dispatchMs: nil, peakResidentMebibytes: 40,
                                                   memoryGrowth: nil, laneWidth: wide, narrowerLaneWidth: narrow, narrowerLaneGain: 1.2)
        let drivers = DriverRules.drivers(faster, overrides: SoakOverrides(), limits: Self.thresholds.drivers, defaultThreads: 2, defaultChunkSize: 1)
        #expect(drivers.map(\.name) == ["narrower_lane_gain"])
        #expect(drivers.first?.rationale.contains("\(wide) → \(narrow)") == true, "\(drivers)")
        #expect(DriverRules.deltas(drivers) == ["lane_width": -1])
        #expect(SoakOverrides().applying(drivers.flatMap(\.deltas)).laneWidth == narrow)
        // The narrowest cannot go narrower; a gain within the limit suggests nothing.
        #expect(SoakOverrides(laneWidth: supported[0]).applying(drivers.flatMap(\.deltas)).laneWidth == supported[0])
        var within = faster
        within.narrowerLaneGain = 1.03
        #expect(DriverRules.drivers(within, overrides: SoakOverrides(), limits: Self.thresholds.drivers, defaultThreads: 2, defaultChunkSize: 1).isEmpty)
    }

    @Test func overridesAreCheckedByName() throws {
        #expect(throws: InputError.self) { try SoakOverrides(json: .object([("thread", .integer(2))]), source: "--overrides") }
        #expect(throws: InputError.self) { try SoakOverrides(json: .object([("threads", .integer(0))]), source: "--overrides") }
        #expect(throws: InputError.self) { try SoakOverrides(json: .object([("lane_width", .string("sse9"))]), source: "--overrides") }
        let parsed = try SoakOverrides(json: .object([("threads", .integer(2)), ("chunk_size", .integer(1024)), ("dispatch_target_ms", .null)]), source: "x")
        #expect(parsed == SoakOverrides(threads: 2, chunkSize: 1024))
        do {
            _ = try SoakOverrides(json: .object([("thread", .integer(2))]), source: "--overrides")
        } catch {
            #expect(error.source == "--overrides: thread")
        }
    }
}
