import Foundation
import Sieve
import Testing
@testable import WindowSearch

/// The trial workloads of `optimize bench`: their history, their shape (the same as the committed
/// Benchmarks/trial-shape.json), and one small trial run the way a search runs it. No speed is asserted.
@Suite("Trial workloads")
struct TrialWorkloadTests {
    @Test("one workload per family, T-java, T-mt and T-xs32 first, ids unique")
    func catalogue() {
        let all = TrialWorkload.all
        #expect(all.prefix(3).map(\.id) == ["T-java", "T-mt", "T-xs32"])
        #expect(Set(all.map(\.id)).count == all.count)
        #expect(Set(all.map(\.family.id)) == Set(PRNGFamily.ID.allCases))
        // T-xs32's cycle pass is one pass over every seed: its quick run is the full one.
        #expect(all.filter { $0.id != "T-xs32" }
            .allSatisfy { $0.quickSeeds >= 1 << 19 && $0.quickSeeds <= 1 << 22 && $0.quickSeeds % (1 << 18) == 0 })
        #expect(all.first { $0.id == "T-xs32" }?.quickSeeds == TrialWorkload.fullSeeds)
        #expect(all.allSatisfy { $0.family.maxSeed >= TrialWorkload.fullSeeds - 1 })
    }

    @Test("the history: 9,000 days from 2000-01-01, midday and evening, uniform draws below 1000, the same every time")
    func history() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = (directory as NSString).appendingPathComponent("h.json")
        try TrialWorkload.writeHistory(to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(TrialWorkload.historyJSON().utf8))
        let history = try DrawHistory.load(path: path)
        #expect(history.count == 18_000)
        #expect(history.entries.first?.date == "2000-01-01" && history.entries.first?.session == "midday")
        #expect(history.entries[1].session == "evening")
        #expect(history.entries.last?.date == "2024-08-21" && history.entries.last?.session == "evening")
        #expect(history.entries.allSatisfy { $0.value < 1000 })
        let midday = try DrawHistory.load(path: path, sessions: ["midday"])
        #expect(midday.count == 9000)
        // Another seed gives another history of the same shape.
        #expect(TrialWorkload.historyJSON(seed: TrialWorkload.historySeed + 1) != TrialWorkload.historyJSON())
        // Consecutive days, leap days included.
        #expect(history.entries[2 * 59].date == "2000-02-29" && history.entries[2 * 60].date == "2000-03-01")
        #expect(history.entries[2 * 366].date == "2001-01-01")
    }

    @Test("the shape is Benchmarks/trial-shape.json, and every trial parameter is fixed by it")
    func shape() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = root.appendingPathComponent("Benchmarks/trial-shape.json")
        let committed = try JSONReader.parse(try Data(contentsOf: file))
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = (directory as NSString).appendingPathComponent("h.json")
        try TrialWorkload.writeHistory(to: path)
        let history = try DrawHistory.load(path: path)
        let defaults = SearchBounds.defaults(shape: HistoryShape(history: history), prng: "mt19937", referenceMode: false)
        let fromFile = try SearchBounds.load(path: file.path, over: defaults)
        let settings = try TrialWorkload.all[1].settings(seeds: 1 << 20, history: history, historyPath: path, backend: "cpu")
        #expect(settings.bounds == fromFile)
        #expect(try SearchBounds.read(committed, source: "file", over: defaults) == fromFile)
        let fixed = Dictionary(uniqueKeysWithValues: settings.fixedParameters.map { ($0.key, $0.value) })
        #expect(fixed["window_size"] == .integer(29) && fixed["offset"] == .integer(89) && fixed["burn"] == .integer(0))
        #expect(fixed["skip_min"] == .integer(9) && fixed["skip_max"] == .integer(105))
        #expect(fixed["forward_threshold"] == .string("0.36") && fixed["reverse_threshold"] == .string("0.22"))
        #expect(fixed["prng"] == .string("mt19937") && fixed["sessions"] != nil)
        #expect(TrialWorkload.skipCount == 105 - 9 + 1)
        #expect(settings.chunkSize == SearchSettings.defaultChunkSize && settings.trials == 1 && settings.samplerSeed == 1)
        #expect(settings.chanceSampleSize == SieveSweep.defaultChanceSampleSize)
    }

    @Test("a trial runs as a search trial does, in its run directory, timed by phase")
    func run() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = (directory as NSString).appendingPathComponent("h.json")
        try TrialWorkload.writeHistory(to: path)
        let pcg = try #require(TrialWorkload.all.first { $0.id == "T-pcg32" })
        let runDirectory = (directory as NSString).appendingPathComponent("run")
        let result = try pcg.run(seeds: 4096, historyPath: path, backend: CPUSieveBackend(), threads: 2, directory: runDirectory)
        #expect(result.seeds == 4096 && result.threads == 2 && result.backend == "cpu")
        #expect(result.seconds > 0 && result.phases.wall == result.seconds)
        #expect((result.phases.seconds[.kernel] ?? 0) > 0 && (result.phases.seconds[.writing] ?? 0) > 0)
        #expect(result.phases.measured <= result.seconds)
        #expect(result.projectedSeconds > result.seconds)
        #expect(result.hypothesesPerSecond == result.seedsPerSecond * 97)
        for name in [RunFiles.run, RunFiles.journal, RunFiles.best, "trials/00000/summary.json", "trials/00000/survivors.bin"] {
            #expect(FileManager.default.fileExists(atPath: (runDirectory as NSString).appendingPathComponent(name)), "\(name)")
        }
        let settings = try SearchRun.readSettings(directory: runDirectory)
        #expect(settings.seeds == SeedRange(first: 0, last: 4095) && settings.prng == "pcg32")
        // A directory that holds a run is refused, as `optimize search` refuses it.
        #expect(throws: InputError.self) {
            try pcg.run(seeds: 4096, historyPath: path, backend: CPUSieveBackend(), directory: runDirectory)
        }
        #expect(throws: InputError.self) {
            try pcg.run(seeds: TrialWorkload.fullSeeds + 1, historyPath: path, backend: CPUSieveBackend(),
                        directory: (directory as NSString).appendingPathComponent("other"))
        }
    }

    @Test("the projection counts once what does not grow with the seeds, and scales the chunk loop")
    func projection() throws {
        // Figures at the start and the end of a chunk loop in which `tablesSieved` tables were sieved.
        func loop(tablesSieved: Int) -> (PhaseTimer.Report, PhaseTimer.Report) {
            let timer = PhaseTimer()
            return PhaseTimer.$current.withValue(timer) {
                PhaseTimer.measure(.tables) { PhaseTimer.measure(.kernel) { Thread.sleep(forTimeInterval: 0.002) } }
                let first = timer.report()
                for _ in 0..<tablesSieved {
                    PhaseTimer.measure(.tables) { PhaseTimer.measure(.kernel) { Thread.sleep(forTimeInterval: 0.002) } }
                    PhaseTimer.measure(.tables) {}  // a cached table
                }
                PhaseTimer.measure(.kernel) { Thread.sleep(forTimeInterval: 0.002) }
                return (first, timer.report())
            }
        }
        for sieved in [0, 1, 3] {
            let (first, last) = loop(tablesSieved: sieved)
            let tablesInLoop = last.inclusive(.tables) - first.inclusive(.tables)
            #expect((tablesInLoop > 0) == (sieved > 0))
            let fixed = TrialWorkload.fixedSeconds(wall: 1, loopSeconds: 0.75, loopStart: first, loopEnd: last)
            #expect(abs(fixed - (0.25 + (sieved <= 1 ? tablesInLoop : 0))) < 1e-12)
        }
        #expect(TrialWorkload.fixedSeconds(wall: 1, loopSeconds: 0.75, loopStart: nil, loopEnd: nil) == 0.25)
        let (_, last) = loop(tablesSieved: 1)
        func result(seeds: UInt64, fixed: Double) -> TrialWorkload.Result {
            TrialWorkload.Result(workload: TrialWorkload.all[0], backend: "cpu", threads: 2, seeds: seeds, seconds: 2, cpuSeconds: 4,
                                 phases: last, chunkLoopSeconds: 1.5, fixedSeconds: fixed, forward: 0, bidirectional: 0)
        }
        let quick = result(seeds: 1 << 22, fixed: 0.5)
        #expect(quick.projectedSeconds == 0.5 + 1.5 * 1024)
        #expect(result(seeds: TrialWorkload.fullSeeds, fixed: 0.5).projectedSeconds == 2)
    }

    @Test("a trial's fixed part is what it spends outside its chunk loop, the chance calibration included")
    func fixedPartOfARun() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = (directory as NSString).appendingPathComponent("h.json")
        try TrialWorkload.writeHistory(to: path)
        let minstd = try #require(TrialWorkload.all.first { $0.id == "T-minstd" })
        let result = try minstd.run(seeds: 4096, historyPath: path, backend: CPUSieveBackend(),
                                    directory: (directory as NSString).appendingPathComponent("run"))
        #expect(result.chunkLoopSeconds > 0 && result.chunkLoopSeconds < result.seconds)
        #expect(result.fixedSeconds >= result.phases.inclusive(.calibration))
        #expect(abs(result.fixedSeconds + result.chunkLoopSeconds - result.seconds) < 1e-9)
    }
}
