import Foundation
import Sieve
import Study
import Testing
@testable import WindowSearch

@Suite("The window search", .serialized)
struct WindowSearchTests {
    /// Bounds for fast debug-build trials: narrow skip ranges, windows of 4 to 30 draws.
    static let plantedBounds = """
        {"window_size": {"low": 4, "high": 30}, "offset": {"low": 30, "high": 210},
         "skip_min": {"low": 0, "high": 8}, "skip_max": {"low": 3, "high": 30},
         "forward_threshold": {"low": 0.15, "high": 0.6}, "reverse_threshold": {"low": 0.15, "high": 0.6}}
        """

    @Test("on a history with a planted stretch, the significance objective finds the planted seed, skip and window within 50 trials")
    func plantedSeedIsFound() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let planted: UInt64 = 3_141_592
        let segment = 150..<196  // 46 of 240 draws
        let draws = try Fixture.partlyPlanted(count: 240, segment: segment, family: .java_lcg, seed: planted, skip: 5,
                                              noise: 0.15, randomSeed: 11)
        let historyPath = directory + "/history.json"
        try Fixture.writeHistory(draws, to: historyPath)
        let seeds = SeedRange(first: planted - 40_000, last: planted + 25_535)
        let run = try Fixture.search(directory + "/run", historyPath: historyPath, prng: "java_lcg", seeds: seeds, trials: 50,
                                     seed: 2024, bounds: Self.plantedBounds)
        let best = try #require(run.best)
        let found = try #require(best.strongest)
        #expect(found.seed == planted)
        #expect(found.skip == 5)
        #expect(best.significance?.claims == true)
        // Both windows of the best trial lie mostly in the planted stretch.
        let p = best.parameters
        let forward = p.offset..<(p.offset + p.windowSize)
        let reverse = (p.offset - p.windowSize)..<p.offset
        #expect(forward.clamped(to: segment).count * 2 >= forward.count, "\(p.label)")
        #expect(reverse.clamped(to: segment).count * 2 >= reverse.count, "\(p.label)")
        #expect((UInt32(p.skipMin)...UInt32(p.skipMax)).contains(5))
        // Chance alone never explains it; a trial whose windows miss the stretch finds nothing there.
        for outcome in run.outcomes where outcome.state == .complete {
            let w = outcome.parameters
            let span = (w.offset - w.windowSize)..<(w.offset + w.windowSize)
            if span.clamped(to: segment).isEmpty {
                #expect(outcome.strongest?.seed != planted, "trial \(outcome.trial) \(w.label)")
            }
        }
        // best.json names the recovered seed and the best trial, and the run is complete.
        let bestJSON = try JSONReader.parse(Fixture.bytes(directory + "/run", RunFiles.best))
        #expect(bestJSON["status"]?.string == "complete")
        #expect(bestJSON["best_trial_number"]?.integer == best.trial)
        #expect(bestJSON["recovered"]?["seed"]?.integer == Int(planted))
        #expect(bestJSON["completed_trials"]?.integer == 50)
    }

    /// Random-draw runs: family, history seed, sampler seed.
    static let randomRuns: [(String, UInt64, UInt64)] = [
        ("java_lcg", 1, 1), ("java_lcg", 2, 2), ("java_lcg", 3, 3), ("pcg32", 4, 4), ("pcg32", 5, 5),
    ]

    /// Loose enough that chance survivors are common (X ≈ λ up to tens), strict enough to reach λ ≈ 0.
    static let randomBounds = """
        {"window_size": {"low": 3, "high": 12}, "offset": {"low": 12, "high": 100},
         "skip_min": {"low": 0, "high": 6}, "skip_max": {"low": 10, "high": 30},
         "forward_threshold": {"low": 0.1, "high": 0.5, "step": 0.05}, "reverse_threshold": {"low": 0.1, "high": 0.5, "step": 0.05}}
        """

    @Test("on random draws, across several seeds and two families, no trial claims significance beyond its level")
    func randomDrawsClaimNothing() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var outcomes: [TrialOutcome] = []
        var level = 0.0
        for (family, historySeed, samplerSeed) in Self.randomRuns {
            let historyPath = directory + "/random-\(historySeed).json"
            try Fixture.writeHistory(Fixture.randomDraws(count: 120, seed: historySeed), to: historyPath)
            let run = try Fixture.search(directory + "/run-\(historySeed)", historyPath: historyPath, prng: family,
                                         seeds: SeedRange(first: 5_000_000, last: 5_000_000 + (1 << 16) - 1), trials: 16,
                                         seed: samplerSeed, bounds: Self.randomBounds)
            level = run.settings.level
            for outcome in run.outcomes where outcome.state == .complete {
                let s = try #require(outcome.significance)
                #expect(!s.claims, "\(family) history \(historySeed) trial \(outcome.trial) \(outcome.parameters.label): X = \(s.observed), λ = \(s.expected), score \(s.score) > level \(s.level)")
                #expect(s.score <= s.level)
            }
            outcomes += run.outcomes.filter { $0.state == .complete }
        }
        // The test can fail: the sampler did find chance survivors (it maximises the score on
        // noise), and had the expectation been 1000 times too small, trials would have crossed.
        let withSurvivors = outcomes.filter { ($0.counts?.bidirectional ?? 0) >= 1 }
        let maximum = outcomes.compactMap(\.significance?.score).max() ?? 0
        print("random draws: \(outcomes.count) trials, \(withSurvivors.count) with chance survivors, highest score \(maximum), level \(level)")
        for o in withSurvivors { print("  \(o.parameters.label) X=\(o.significance!.observed) λ*=\(o.significance!.expected) model λ=\(o.chanceBidirectional ?? -1) score \(o.significance!.score)") }
        #expect(withSurvivors.count >= 5, "\(withSurvivors.count) trials with chance survivors")
        let miscalibrated = outcomes.filter { outcome in
            guard let s = outcome.significance else { return false }
            return Significance(observed: s.observed, expected: s.expected / 1000, level: level).claims
        }
        #expect(!miscalibrated.isEmpty)
        // And observed survivors agree with chance overall: within 4 standard deviations (counts
        // across skips and seeds are nearly Poisson).
        let observed = Double(outcomes.compactMap(\.counts?.bidirectional).reduce(0, +))
        let expected = outcomes.compactMap(\.chanceBidirectional).reduce(0, +)
        #expect(abs(observed - expected) <= 4 * max(expected, 1).squareRoot() + 0.15 * expected, "observed \(observed), expected \(expected)")
    }

    @Test("SearchRun.start checks its settings before it writes anything: a refused search leaves no directory")
    func refusedStartLeavesNothing() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let historyPath = directory + "/h.json"
        try Fixture.writeHistory(Fixture.randomDraws(count: 90, seed: 4), sessions: (0..<90).map { ["all", "a+b", "midday"][$0 % 3] },
                                 to: historyPath)
        let history = try DrawHistory.load(path: historyPath)
        let settings = try Fixture.settings(historyPath: historyPath, history: history, prng: "java_lcg",
                                            seeds: SeedRange(first: 0, last: 4095), trials: 2, seed: 1,
                                            bounds: #"{"window_size": {"low": 4, "high": 8}, "offset": {"low": 8, "high": 20}}"#)
        // A session named "all" and one named "a+b" are choices of their own, next to every entry.
        #expect(settings.bounds.sessions == [.all, .sessions(["midday"]), .sessions(["a+b"]), .sessions(["all"])])
        var bad: [SearchSettings] = []
        let changes: [(inout SearchSettings) -> Void] = [
            { $0.bounds.sessions = [.sessions(["a", "b"])] }, { $0.bounds.prngs = ["java_lcg", "nosuch"] },
            { $0.bounds.windowSize = .init(4, 500) }, { $0.bounds.sessions = [.all, .all] }, { $0.trials = 0 },
        ]
        for change in changes {
            var changed = settings
            change(&changed)
            bad.append(changed)
        }
        for (index, changed) in bad.enumerated() {
            let out = directory + "/refused\(index)"
            #expect(throws: InputError.self) { _ = try SearchRun.start(directory: out, settings: changed, history: history, resume: false) }
            #expect(!FileManager.default.fileExists(atPath: out), "settings \(index) left \(out)")
        }
        // The valid settings run, and their records read back the same choices.
        var run: SearchRun? = try SearchRun.start(directory: directory + "/run", settings: settings, history: history, resume: false)
        _ = try run?.run()
        let written = run?.outcomes.map(\.parameters) ?? []
        run = nil
        let reopened = try SearchRun.resume(directory: directory + "/run")
        #expect(written.count == 2 && reopened.outcomes.map(\.parameters) == written)
        for outcome in reopened.outcomes {
            guard let sieve = outcome.sieve else { continue }
            #expect(sieve.sessions == outcome.parameters.sessions.names)
            #expect(sieve.draws == (outcome.parameters.sessions == .all ? 90 : 30))
        }
    }

    @Test("a session choice writes JSON that reads back exactly, and reads the joined strings of older runs")
    func sessionChoiceRoundTrip() throws {
        let choices: [SessionChoice] = [.all, .sessions(["all"]), .sessions(["a+b"]), .sessions(["midday"]),
                                        .sessions(["midday", "evening"]), .sessions(["[x"]), .sessions([" padded "])]
        for choice in choices {
            #expect(SessionChoice(json: choice.json) == choice, "\(choice)")
            #expect(SessionChoice(json: try JSONReader.parse(choice.json.text)) == choice, "\(choice)")
            #expect(SessionChoice(description: choice.description) == choice, "\(choice)")
        }
        #expect(Set(choices.map(\.description)).count == choices.count)
        #expect(SessionChoice(json: .string("midday+evening")) == .sessions(["midday", "evening"]))
        #expect(SessionChoice(json: .string("all")) == .all)
        #expect(SessionChoice.sessions(["midday", "evening"]).json == .string("midday+evening"))
        #expect(SessionChoice.sessions(["a+b"]).json == .array([.string("a+b")]))
        #expect(SessionChoice(json: .array([])) == nil && SessionChoice(json: .array([.string("a"), .string("a")])) == nil)
        // A joined string follows the list's rules: no empty name (FuzzSearchBounds found "almidday+ +ening"), none twice.
        #expect(SessionChoice(json: .string("almidday+ +ening")) == nil && SessionChoice(json: .string("a+a")) == nil)
    }

    @Test("every parameter reaches the sieve and is echoed in the record: thresholds, sessions, skips, burn")
    func parametersReachTheSieve() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let draws = Fixture.randomDraws(count: 160, seed: 77)
        let sessions = (0..<160).map { $0 % 2 == 0 ? "midday" : "evening" }
        let historyPath = directory + "/sessions.json"
        try Fixture.writeHistory(draws, sessions: sessions, to: historyPath)
        let bounds = """
            {"window_size": {"low": 6, "high": 12}, "offset": {"low": 12, "high": 60}, "burn": {"low": 0, "high": 3},
             "skip_min": {"low": 0, "high": 4}, "skip_max": {"low": 4, "high": 10},
             "forward_threshold": {"low": 0.2, "high": 0.6, "step": 0.1}, "reverse_threshold": {"low": 0.2, "high": 0.6, "step": 0.1}}
            """
        let run = try Fixture.search(directory + "/run", historyPath: historyPath, prng: "java_lcg",
                                     seeds: SeedRange(first: 0, last: (1 << 16) - 1), trials: 12, seed: 5, bounds: bounds)
        #expect(run.settings.bounds.sessions == ["all", "midday", "evening"])
        var seenSessions = Set<String>()
        for outcome in run.outcomes {
            let p = outcome.parameters
            // What the trial's record says it sieved.
            let sieve = try RunFileCoding.encoder.encode(try #require(outcome.sieve, "trial \(outcome.trial)"))
            #expect(sieve["window"]?.integer == p.windowSize)
            #expect(sieve["offset"]?.integer == p.offset)
            #expect(sieve["burn"]?.integer == p.burn)
            #expect(sieve["skip_min"]?.integer == p.skipMin)
            #expect(sieve["skip_max"]?.integer == p.skipMax)
            #expect(sieve["threshold"]?.string == p.forwardThreshold)
            #expect(sieve["reverse_threshold"]?.string == p.reverseThreshold)
            let forwardMinimum = try Threshold(fraction: p.forwardThreshold).minimumMatches(window: p.windowSize)
            let reverseMinimum = try Threshold(fraction: p.reverseThreshold).minimumMatches(window: p.windowSize)
            #expect(sieve["forward_min_matches"]?.integer == forwardMinimum)
            #expect(sieve["reverse_min_matches"]?.integer == reverseMinimum)
            #expect(sieve["draws"]?.integer == (p.sessions == "all" ? 160 : 80))
            #expect((sieve["sessions"] ?? .null) == (p.sessions.names.map { .array($0.map { .string($0) }) } ?? .null))
            seenSessions.insert(p.sessions.description)
            // The sweep on disk ran exactly these parameters.
            let manifest = try JSONReader.parse(Fixture.bytes(directory + "/run/" + RunFiles.trialDirectory(outcome.trial), "sweep.json"))
            #expect(manifest["identity"]?["threshold"]?.string == p.forwardThreshold)
            #expect(manifest["identity"]?["reverse_threshold"]?.string == p.reverseThreshold)
            #expect(manifest["identity"]?["burn"]?.integer == p.burn)
            #expect(manifest["identity"]?["history"]?["draws"]?.integer == (p.sessions == "all" ? 160 : 80))
        }
        #expect(seenSessions.count >= 2)
    }

    @Test("combinations that cannot run are pruned with their reason and no sieve; impossible bounds are refused")
    func infeasibleCombinations() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let historyPath = directory + "/random.json"
        try Fixture.writeHistory(Fixture.randomDraws(count: 60, seed: 3), to: historyPath)
        // skip_min may exceed skip_max; windows may not fit before offset or at the end.
        let bounds = """
            {"window_size": {"low": 4, "high": 30}, "offset": {"low": 4, "high": 56},
             "skip_min": {"low": 0, "high": 12}, "skip_max": {"low": 2, "high": 14}}
            """
        let run = try Fixture.search(directory + "/run", historyPath: historyPath, prng: "java_lcg",
                                     seeds: SeedRange(first: 0, last: (1 << 16) - 1), trials: 14, seed: 9, bounds: bounds)
        let pruned = run.outcomes.filter { $0.state == .pruned }
        #expect(!pruned.isEmpty)
        for outcome in pruned {
            let p = outcome.parameters
            let reason = try #require(outcome.reason)
            #expect(reason.hasPrefix("infeasible: "))
            let fits = p.offset >= p.windowSize && p.offset + p.windowSize <= 60
            #expect(p.skipMin > p.skipMax || !fits, "\(p.label): \(reason)")
            // No sieve ran: the trial's directory holds its record and log only (docs/operations.md §3), no sweep.
            let names = try FileManager.default.contentsOfDirectory(atPath: directory + "/run/" + RunFiles.trialDirectory(outcome.trial))
            #expect(Set(names) == [RunFiles.trialRecord, RunFiles.trialLog], "\(outcome.trial): \(names)")
        }
        for outcome in run.outcomes where outcome.state == .complete {
            let p = outcome.parameters
            #expect(p.skipMin <= p.skipMax && p.offset >= p.windowSize && p.offset + p.windowSize <= 60)
        }
        // The study saw them as pruned.
        let study = try StudyStore(opening: URL(fileURLWithPath: directory + "/run/study")).snapshot()
        #expect(study.trials(in: "pruned").count == pruned.count)

        let history = try DrawHistory.load(path: historyPath)
        func refused(_ json: String) -> InputError? {
            do {
                _ = try Fixture.settings(historyPath: historyPath, history: history, prng: "java_lcg",
                                         seeds: SeedRange(first: 0, last: 99), trials: 5, seed: 1, bounds: json)
                return nil
            } catch let error as InputError { return error } catch { return nil }
        }
        #expect(refused(#"{"skip_min": {"low": 20, "high": 30}, "skip_max": {"low": 5, "high": 10}}"#)?.kind == .invalidSearchBounds)
        #expect(refused(#"{"skip_min": 0, "skip_max": {"low": 10, "high": 400}}"#)?.kind == .invalidSearchBounds)
        #expect(refused(#"{"window_size": {"low": 40, "high": 50}, "offset": {"low": 40, "high": 50}}"#)?.kind == .invalidSearchBounds)  // infeasible bounds: the bounds status
        #expect(refused(#"{"window": 5}"#)?.kind == .invalidSearchBounds)
        #expect(refused(#"{"forward_threshold": {"low": 0, "high": 0.5}}"#)?.kind == .invalidSearchBounds)
        #expect(refused(#"{"sessions": ["evening"]}"#)?.kind == .invalidSearchBounds)
        #expect(refused(#"{"prng": ["java_lcg", "nope"]}"#)?.kind == .invalidSearchBounds)
        #expect(refused(#"{"prng": ["java_lcg", "xorshift32"]}"#) == nil)
    }

    @Test("stopped mid-trial and resumed in new processes' stead, a run ends with the files of an uninterrupted one")
    func stopAndResume() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let historyPath = directory + "/h.json"
        try Fixture.writeHistory(try Fixture.partlyPlanted(count: 120, segment: 30..<100, family: .java_lcg, seed: 54_321,
                                                           skip: 2, noise: 0.1, randomSeed: 4), to: historyPath)
        let bounds = """
            {"window_size": {"low": 4, "high": 16}, "offset": {"low": 16, "high": 100},
             "skip_min": {"low": 0, "high": 4}, "skip_max": {"low": 4, "high": 12}}
            """
        let seeds = SeedRange(first: 0, last: (1 << 17) - 1)
        try Fixture.search(directory + "/reference", historyPath: historyPath, prng: "java_lcg", seeds: seeds, trials: 8, seed: 3,
                           bounds: bounds)
        let history = try DrawHistory.load(path: historyPath)
        let settings = try Fixture.settings(historyPath: historyPath, history: history, prng: "java_lcg", seeds: seeds, trials: 8,
                                            seed: 3, bounds: bounds)
        // Stop after a few chunks each time, in the middle of trials and between them.
        var stops = 0
        var run: SearchRun? = try SearchRun.start(directory: directory + "/stopped", settings: settings, history: history, resume: false)
        while true {
            var chunks = 0
            let limit = 2 + stops % 5  // the first progress report comes before any chunk
            let ending = try run!.run(observer: { event in
                if case .sieveProgress = event { chunks += 1 }
            }, shouldStop: { chunks >= limit })
            if case .complete = ending { break }
            stops += 1
            run = nil  // releases the run's lock, as a process that ends does
            run = try SearchRun.resume(directory: directory + "/stopped")
        }
        #expect(stops >= 5)
        run = nil
        #expect(Fixture.bytes(directory + "/stopped", RunFiles.journal) == Fixture.bytes(directory + "/reference", RunFiles.journal))
        // Identical but for their times (README, "The run directory").
        for name in ["best.json", "optimal_window_config.json", "bidirectional_survivors.json"] {
            let stopped = Fixture.bytes(directory + "/stopped", name), reference = Fixture.bytes(directory + "/reference", name)
            #expect(!reference.isEmpty, "\(name)")
            #expect(Fixture.maskingTimes(stopped) == Fixture.maskingTimes(reference), "\(name)")
        }
        for trial in 0..<8 {
            for name in ["survivors.bin", "summary.json", "chunks.journal", "trial.json"] {
                let file = RunFiles.trialDirectory(trial) + "/" + name
                #expect(Fixture.bytes(directory + "/stopped", file) == Fixture.bytes(directory + "/reference", file), "\(file)")
            }
        }
        #expect(try JSONReader.parse(Fixture.bytes(directory + "/stopped", RunFiles.run))["status"]?.string == "complete")
    }

    @Test("a run refuses a second run in its directory, a changed history, and another search's options")
    func refusals() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let historyPath = directory + "/h.json"
        try Fixture.writeHistory(Fixture.randomDraws(count: 80, seed: 8), to: historyPath)
        let bounds = #"{"window_size": {"low": 4, "high": 8}, "offset": {"low": 8, "high": 60}, "skip_max": {"low": 10, "high": 12}}"#
        let seeds = SeedRange(first: 0, last: 9_999)
        try Fixture.search(directory + "/run", historyPath: historyPath, prng: "java_lcg", seeds: seeds, trials: 2, seed: 1, bounds: bounds)
        let history = try DrawHistory.load(path: historyPath)
        let same = try Fixture.settings(historyPath: historyPath, history: history, prng: "java_lcg", seeds: seeds, trials: 2, seed: 1, bounds: bounds)
        #expect(throws: InputError.self) { try SearchRun.start(directory: directory + "/run", settings: same, history: history, resume: false) }
        do {
            _ = try SearchRun.start(directory: directory + "/run", settings: same, history: history, resume: false)
        } catch {
            #expect(error.kind == .runExists)
        }
        var other = same
        other.samplerSeed = 2
        do {
            _ = try SearchRun.start(directory: directory + "/run", settings: other, history: history, resume: true)
            Issue.record("another seed was accepted")
        } catch {
            #expect(error.kind == .outputDirectoryMismatch)
            #expect(error.problem.contains("sampler_seed"))
        }
        // Resuming a complete run changes nothing.
        let before = Fixture.bytes(directory + "/run", RunFiles.journal)
        do {
            let resumed = try SearchRun.start(directory: directory + "/run", settings: same, history: history, resume: true)
            _ = try resumed.run()
        }
        #expect(Fixture.bytes(directory + "/run", RunFiles.journal) == before)
        // A changed history is refused.
        try Fixture.writeHistory(Fixture.randomDraws(count: 80, seed: 9), to: historyPath)
        do {
            _ = try SearchRun.resume(directory: directory + "/run")
            Issue.record("a changed history was accepted")
        } catch {
            #expect(error.kind == .outputDirectoryMismatch)
        }
    }

    @Test("a summary lists exactly the first 100 bidirectional survivors of the best trial, by seed, out of more")
    func summaryListsTheFirstHundredSurvivors() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let historyPath = directory + "/h.json"
        try Fixture.writeHistory(Fixture.randomDraws(count: 760, seed: 5), to: historyPath)
        // One match in a 300-draw window (mod 1000), forward and reverse at the same one of 4 skips:
        // about a quarter of the seeds survive both by chance, some 150 of these 600 in every trial.
        let bounds = """
            {"window_size": 300, "offset": {"low": 300, "high": 308}, "skip_min": 0, "skip_max": 3,
             "forward_threshold": 0.003, "reverse_threshold": 0.003}
            """
        let seeds = SeedRange(first: 1_000, last: 1_599)
        let run = try Fixture.search(directory + "/run", historyPath: historyPath, prng: "java_lcg", seeds: seeds, trials: 3,
                                     seed: 7, bounds: bounds)
        let summary = try RunSummary.load(directory: directory + "/run")
        let best = try #require(summary.best)
        let total = try #require(best.counts?.bidirectional)
        try #require(total > 100, "\(total) survivors do not exercise the limit")

        let document = try summary.json(top: 3)
        let listed = try #require(document["best"]?["survivors"]?.array)
        #expect(listed.count == 100)
        #expect(document["best"]?["survivors_listed"]?.integer == 100)
        #expect(document["best"]?["survivors_total"]?.integer == total)
        // Which ones, independently: the scalar oracle on the best trial's plan.
        guard case .ready(let plan, _, _) = try run.prepare(best.parameters) else {
            Issue.record("the best trial \(best.parameters.label) has no plan")
            return
        }
        let all = try SieveOracle.survivors(of: plan, seeds: seeds)
            .filter { $0.passed.contains(.bidirectional) }.sorted { $0.seed < $1.seed }
        #expect(all.count == total)
        #expect(listed.map { $0["seed"]?.unsignedInteger } == all.prefix(100).map(\.seed))
        for (entry, record) in zip(listed, all) {
            guard case .object(let members) = entry else {
                Issue.record("survivor \(entry) is not an object")
                continue
            }
            #expect(members.map(\.key) == ["seed", "skip", "forward_matches", "reverse_matches"])
            #expect(entry["skip"]?.integer == Int(record.bidirectionalSkip), "seed \(record.seed)")
            #expect(entry["forward_matches"]?.integer == Int(record.bidirectionalForward), "seed \(record.seed)")
            #expect(entry["reverse_matches"]?.integer == Int(record.bidirectionalReverse), "seed \(record.seed)")
        }
    }

    @Test("summaries refuse a damaged record by line and skip one that is not a trial record; exports write the reference's files")
    func summaryAndExport() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let historyPath = directory + "/h.json"
        let planted: UInt64 = 777
        try Fixture.writeHistory(try Fixture.partlyPlanted(count: 100, segment: 0..<100, family: .java_lcg, seed: planted, skip: 1,
                                                           noise: 0.1, randomSeed: 2), to: historyPath)
        let bounds = """
            {"window_size": {"low": 4, "high": 12}, "offset": {"low": 12, "high": 80},
             "skip_min": {"low": 0, "high": 1}, "skip_max": {"low": 1, "high": 6}}
            """
        let run = try Fixture.search(directory + "/run", historyPath: historyPath, prng: "java_lcg",
                                     seeds: SeedRange(first: 0, last: 49_999), trials: 6, seed: 4, bounds: bounds)
        let summary = try RunSummary.load(directory: directory + "/run")
        #expect(summary.outcomes.count == 6)
        #expect(summary.skipped.isEmpty)
        let document = try summary.json(top: 3)
        #expect(document["top"]?.array?.count == min(3, run.outcomes.filter { $0.state == .complete }.count))
        // The best trial's survivor list: summaryListsTheFirstHundredSurvivors.
        // Export.
        let paths = try RunExport.write(run: directory + "/run", to: directory + "/export")
        #expect(paths.count == 6)
        for name in RunExport.fileNames {
            #expect(FileManager.default.fileExists(atPath: directory + "/export/" + name), "\(name)")
        }
        let config = try JSONReader.parse(Fixture.bytes(directory + "/export", "optimal_window_config.json"))
        for key in ["window_size", "offset", "skip_min", "skip_max", "sessions", "prng_type", "test_both_modes", "seed_count",
                    "optimization_score", "forward_count", "reverse_count", "bidirectional_count", "status", "completed_trials",
                    "total_trials", "best_trial_number", "best_value", "best_bidirectional_count", "last_updated",
                    "last_trial_number", "last_trial_value", "completed_at", "agent_metadata", "run_id"] {
            #expect(config[key] != nil, "\(key)")
        }
        let bidirectional = try #require(try JSONReader.parse(Fixture.bytes(directory + "/export", "bidirectional_survivors.json")).array)
        let seedsListed = bidirectional.compactMap { $0["seed"]?.integer }
        #expect(seedsListed == seedsListed.sorted())
        #expect(Set(seedsListed).count == seedsListed.count)
        #expect(seedsListed.contains(Int(planted)))
        #expect(bidirectional.first?["score"] != nil && bidirectional.first?["trial_number"] != nil)
        let train = try #require(try JSONReader.parse(Fixture.bytes(directory + "/export", "train_history.json")).array)
        let holdout = try #require(try JSONReader.parse(Fixture.bytes(directory + "/export", "holdout_history.json")).array)
        #expect(train.count == 80 && holdout.count == 20)

        // Damage a record in the middle (its checksum no longer matches): refused, naming the line
        // (the journal's one damage policy).
        let journalPath = directory + "/run/" + RunFiles.journal
        let original = try String(contentsOfFile: journalPath, encoding: .utf8)
        var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[2] = lines[2].replacingOccurrences(of: "\"trial\":2", with: "\"trial\":9")
        try lines.joined(separator: "\n").write(toFile: journalPath, atomically: true, encoding: .utf8)
        #expect {
            _ = try RunSummary.load(directory: directory + "/run")
        } throws: { error in
            (error as? InputError)?.kind == .damagedOutputDirectory && (error as? InputError)?.source.hasSuffix("trials.journal: line 3") == true
        }
        // A checksum-valid line that is not a trial record: reported and skipped.
        lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[2] = String(decoding: Journal.line(.object([("trial", .integer(2)), ("note", .string("not a record"))])).dropLast(), as: UTF8.self)
        try lines.joined(separator: "\n").write(toFile: journalPath, atomically: true, encoding: .utf8)
        let skipping = try RunSummary.load(directory: directory + "/run")
        #expect(skipping.outcomes.count == 5)
        #expect(skipping.skipped.count == 1)
        #expect(skipping.skipped.first?.place.contains("line 3") == true)
        // A missing run is a clear error.
        do {
            _ = try RunSummary.load(directory: directory + "/nothing")
            Issue.record("a missing run was accepted")
        } catch {
            #expect(error.kind == .invalidRun)
        }
    }
}
