import Foundation
import Sieve
import Testing
@testable import Campaign

@Suite("Campaign: cycles, files, canary, candidates, champions")
struct CampaignTests {
    @Test("a campaign over a planted history finds the planted seed as a candidate, once")
    func findsPlantedSeed() throws {
        let directory = try CampaignFixture.scratch()
        let (path, history) = try CampaignFixture.writeHistory(in: directory)
        let out = (directory as NSString).appendingPathComponent("night")
        #expect(try Campaign.open(directory: out, file: try CampaignFixture.file(historyPath: path, history: history), history: history)
            .run(champion: { CampaignFixture.champion() }) == .complete)
        let lines = try JSONLines.read(FilePath(out).appending(CampaignFiles.candidates)).lines
        #expect(lines.count == 1)
        #expect(lines.first?["seed"]?.uint64 == CampaignFixture.plantedSeed)
        #expect(lines.first?["skip"]?.integer == Int(CampaignFixture.plantedSkip))
        #expect(lines.first?["cycle"]?.integer == 1)
        #expect(lines.first?["champion_hash"]?.string == CampaignFixture.hashA)
        // Running the finished campaign again changes nothing and appends nothing.
        let before = try CampaignFixture.files(out)
        let again = try Campaign.open(directory: out, file: try CampaignFixture.file(historyPath: path, history: history), history: history)
        #expect(try again.run(champion: { CampaignFixture.champion() }) == .complete)
        #expect(try CampaignFixture.files(out) == before)
    }

    @Test("every cycle writes its record, one history line and its progress report, exactly once; recent_* after the first")
    func filesPerCycle() throws {
        let directory = try CampaignFixture.scratch()
        let (path, history) = try CampaignFixture.writeHistory(in: directory)
        let out = (directory as NSString).appendingPathComponent("night")
        let file = try CampaignFixture.file(historyPath: path, history: history)
        #expect(try Campaign.open(directory: out, file: file, history: history)
            .run(cycles: 1, champion: { CampaignFixture.champion() }) == .cyclesDone)
        let latest = try JSONReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: out + "/latest_progress.json"))))
        #expect(latest["total_cycles"]?.integer == 1)
        #expect(latest["total_seeds"]?.integer == 4096)
        #expect(latest["status"]?.string == "running")
        for field in ["recent_seeds_per_second", "recent_cost_per_2_32_seeds_s", "recent_canary_recall", "recent_survivors_vs_chance"] {
            #expect(latest[field]?.number != nil, "\(field) is filled after the first cycle")
        }
        #expect(latest["last_updated"]?.string?.hasSuffix("+00:00") == true)
        #expect(latest["canary_recall"]?.number == 1)
        #expect(latest["hard_negatives"]?.integer == 0)
        #expect(try Campaign.open(directory: out, file: file, history: history).run(champion: { CampaignFixture.champion() }) == .complete)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: out))
        #expect(names.isSuperset(of: ["campaign.json", "history.jsonl", "latest_progress.json", "logs", "cycles", "candidates.jsonl",
                                      "progress_report_000000.json", "progress_report_000001.json", "progress_report_000002.json",
                                      "progress_report_000003.json"]))
        #expect(!names.contains("progress_report_000004.json"))
        let cycleFiles = try FileManager.default.contentsOfDirectory(atPath: out + "/cycles").filter { $0.hasSuffix(".json") }.sorted()
        #expect(cycleFiles == ["000000.json", "000001.json", "000002.json", "000003.json"])
        let records = try Journal.read(FilePath(out + "/history.jsonl"), damage: .damagedOutputDirectory).records
        #expect(records.map { $0["cycle"]?.integer } == [0, 1, 2, 3])
        #expect(records.map { $0["range"]?.string } == ["0..<4096", "4096..<8192", "8192..<12288", "12288..<16384"])
        let report = try JSONReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: out + "/progress_report_000003.json"))))
        #expect(report["status"]?.string == "complete")
        #expect(report["total_cycles"]?.integer == 4)
        #expect(report["candidates"]?.integer == 1)
        // The one survivor is the planted seed, at its skip: all of the distribution.
        #expect(report["distribution"]?["skips"] == .array([.object([("skip", .integer(3)), ("percent", .double(100))])]))
        #expect(report["survivors"]?.integer == 1)
        #expect(FileManager.default.fileExists(atPath: out + "/logs/campaign.log"))
    }

    @Test("a campaign stopped mid-cycle and resumed ends with the files of an uninterrupted one")
    func stopAndResume() throws {
        let directory = try CampaignFixture.scratch()
        let (path, history) = try CampaignFixture.writeHistory(in: directory)
        let file = try CampaignFixture.file(historyPath: path, history: history)
        let whole = (directory as NSString).appendingPathComponent("whole")
        _ = try Campaign.open(directory: whole, file: file, history: history).run(champion: { CampaignFixture.champion() })
        let parts = (directory as NSString).appendingPathComponent("parts")
        var checks = 0
        for _ in 0..<20 {
            let campaign = try Campaign.open(directory: parts, file: file, history: history)
            var seen = 0
            let ending = try campaign.run(champion: { CampaignFixture.champion() }, shouldStop: { seen += 1; return seen > 3 })
            checks += 1
            if ending == .complete { break }
        }
        #expect(checks > 2)
        #expect(try CampaignFixture.files(parts) == CampaignFixture.files(whole))
    }

    @Test("a missed canary is one line of hard_bank.txt per cycle, counted as hard_negatives, never twice")
    func canaryMiss() throws {
        let directory = try CampaignFixture.scratch()
        let (path, history) = try CampaignFixture.writeHistory(in: directory)
        let out = (directory as NSString).appendingPathComponent("night")
        let file = try CampaignFixture.file(historyPath: path, history: history)
        do {
            let campaign = try Campaign.open(directory: out, file: file, history: history)
            campaign.canaryPlacement = .beyondRange
            #expect(try campaign.run(cycles: 2, champion: { CampaignFixture.champion() }) == .cyclesDone)
        }
        let bank = try JSONLines.read(FilePath(out).appending(CampaignFiles.hardBank)).lines
        #expect(bank.map { $0["cycle"]?.integer } == [0, 1])
        #expect(bank.allSatisfy { $0["recall"]?.integer == 0 && $0["champion"]?["content_hash"]?.string == CampaignFixture.hashA })
        let latest = try JSONReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: out + "/latest_progress.json"))))
        #expect(latest["hard_negatives"]?.integer == 2)
        #expect(latest["canary_recall"]?.number == 0)
        #expect(latest["recent_canary_recall"]?.number == 0)
        // A kill after the bank's line, before canary.json: the resume does not append it again.
        try FileManager.default.removeItem(atPath: out + "/cycles/000001/canary.json")
        try FileManager.default.removeItem(atPath: out + "/cycles/000001.json")
        let records = try Journal.read(FilePath(out + "/history.jsonl"), damage: .damagedOutputDirectory)
        // Cut the journal back to cycle 0, as if the kill came before cycle 1's history line.
        let text = try String(contentsOfFile: out + "/history.jsonl", encoding: .utf8)
        try Data((text.split(separator: "\n").prefix(1).joined(separator: "\n") + "\n").utf8)
            .write(to: URL(fileURLWithPath: out + "/history.jsonl"))
        #expect(records.records.count == 2)
        let again = try Campaign.open(directory: out, file: file, history: history)
        again.canaryPlacement = .beyondRange
        #expect(try again.run(cycles: 1, champion: { CampaignFixture.champion() }) == .cyclesDone)
        #expect(try JSONLines.read(FilePath(out).appending(CampaignFiles.hardBank)).lines.count == 2)
        #expect(try Journal.read(FilePath(out + "/history.jsonl"), damage: .damagedOutputDirectory).records.count == 2)
    }

    @Test("the canary is found when planted inside its range")
    func canaryFound() throws {
        let directory = try CampaignFixture.scratch()
        let (_, history) = try CampaignFixture.writeHistory(in: directory)
        let campaign = try Campaign.open(directory: directory + "/night",
                                         file: try CampaignFixture.file(historyPath: directory + "/history.json", history: history),
                                         history: history)
        let prepared = try campaign.prepare(CampaignFixture.configuration(), seeds: campaign.range(of: 0))
        for cycle in 0..<5 {
            let inside = try Canary.run(cycle: cycle, plan: prepared.plan, draws: 60, seeds: 4096, placement: .inside,
                                        backend: CPUSieveBackend())
            #expect(inside.recall == 1)
            #expect((inside.first...inside.last).contains(inside.plantedSeed))
            let beyond = try Canary.run(cycle: cycle, plan: prepared.plan, draws: 60, seeds: 4096, placement: .beyondRange,
                                        backend: CPUSieveBackend())
            #expect(beyond.recall == 0)
        }
    }

    @Test("each cycle uses the champion current when it starts; a resumed cycle keeps the one it started with")
    func championPerCycle() throws {
        let directory = try CampaignFixture.scratch()
        let (path, history) = try CampaignFixture.writeHistory(in: directory)
        let out = (directory as NSString).appendingPathComponent("night")
        let file = try CampaignFixture.file(historyPath: path, history: history)
        var current = CampaignFixture.champion()
        do {
            let campaign = try Campaign.open(directory: out, file: file, history: history)
            #expect(try campaign.run(cycles: 1, champion: { current }) == .cyclesDone)
            let b = CampaignFixture.champion(CampaignFixture.configuration(window: 16))
            current = b
            // Cycle 1 starts with hash-b and is stopped mid-sieve ...
            var seen = 0
            #expect(try campaign.run(champion: { current }, shouldStop: { seen += 1; return seen > 2 }) == .interrupted)
        }
        // ... and resumes with hash-b although the champion is hash-c by then.
        let c = CampaignFixture.champion(CampaignFixture.configuration(window: 18))
        current = c
        let again = try Campaign.open(directory: out, file: file, history: history)
        #expect(try again.run(champion: { current }) == .complete)
        let (a, bHash, cHash) = (CampaignFixture.hashA, CampaignFixture.championRecord(CampaignFixture.configuration(window: 16)).contentHash,
                                 c.reference.contentHash)
        #expect(Set([a, bHash, cHash]).count == 3)
        #expect(again.cycles.map(\.champion.contentHash) == [a, bHash, cHash, cHash])
        // Each cycle's sweep.json records the champion it ran with.
        let manifest = try JSONReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: out + "/cycles/000001/sweep/sweep.json"))))
        #expect(manifest["champion"]?["content_hash"]?.string == bHash)
    }

    @Test("a second runner on one directory is refused (runBusy)")
    func mismatch() throws {
        let directory = try CampaignFixture.scratch()
        let (path, history) = try CampaignFixture.writeHistory(in: directory)
        let out = (directory as NSString).appendingPathComponent("night")
        let campaign = try Campaign.open(directory: out, file: try CampaignFixture.file(historyPath: path, history: history), history: history)
        withExtendedLifetime(campaign) {}
        do {
            _ = try Campaign.open(directory: out, file: try CampaignFixture.file(historyPath: path, history: history), history: history)
            Issue.record("a second runner was let in")
        } catch let error as InputError {
            #expect(error.kind == .runBusy)  // the first still holds the lock
        }
    }

    @Test("another block, or a directory that holds other files, is outputDirectoryMismatch")
    func otherCampaign() throws {
        let directory = try CampaignFixture.scratch()
        let (path, history) = try CampaignFixture.writeHistory(in: directory)
        let out = (directory as NSString).appendingPathComponent("night")
        do { _ = try Campaign.open(directory: out, file: try CampaignFixture.file(historyPath: path, history: history), history: history) }
        do {
            _ = try Campaign.open(directory: out, file: try CampaignFixture.file(historyPath: path, history: history, block: 2048),
                                  history: history)
            Issue.record("another block was accepted")
        } catch let error as InputError {
            #expect(error.kind == .outputDirectoryMismatch)
            #expect(error.problem.contains("block"))
        }
        let other = (directory as NSString).appendingPathComponent("other")
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: other + "/run.json"))
        do {
            _ = try Campaign.open(directory: other, file: try CampaignFixture.file(historyPath: path, history: history), history: history)
            Issue.record("a search run's directory was accepted")
        } catch let error as InputError {
            #expect(error.kind == .outputDirectoryMismatch)
        }
    }

    @Test("environment overrides: a bad value is an error naming the variable")
    func environment() throws {
        let good = try CampaignEnvironment(["OPTIMIZE_CAMPAIGN_BLOCK": "2^12", "OPTIMIZE_CAMPAIGN_PAUSE": "1.5"])
        #expect(good.block == 4096)
        #expect(good.pause == 1.5)
        #expect(try CampaignEnvironment([:]) == CampaignEnvironment([:]))
        #expect(try CampaignEnvironment([:]).block == nil)
        for (name, value) in [("OPTIMIZE_CAMPAIGN_BLOCK", "0"), ("OPTIMIZE_CAMPAIGN_BLOCK", "lots"), ("OPTIMIZE_CAMPAIGN_PAUSE", "-1"),
                              ("OPTIMIZE_CAMPAIGN_PAUSE", "soon"), ("OPTIMIZE_CAMPAIGN_CANARY", "elsewhere")] {
            do {
                _ = try CampaignEnvironment([name: value])
                Issue.record("\(name)=\(value) was accepted")
            } catch {
                #expect(error.kind == .invalidEnvironment)
                #expect(error.source == name)
            }
        }
    }

    @Test("the candidate rule: a binomial tail at 1/M, Bonferroni over seeds × skips")
    func candidateRule() {
        // P(Bin(2, 1/2) ≥ 1) = 3/4.
        #expect(abs(CandidateRule.log10BinomialUpperTail(atLeast: 1, trials: 2, probability: 0.5) - log10(0.75)) < 1e-12)
        #expect(CandidateRule.log10BinomialUpperTail(atLeast: 0, trials: 5, probability: 0.1) == 0)
        let rule = CandidateRule(alpha: 0.01, modulus: 1000, seeds: 1 << 12, skips: 8)
        // 40 of 40 matches: p = 10^-120; 3 of 40 (p ≈ 1e-5, times 32768 hypotheses): not a candidate.
        #expect(rule.passes(matches: 40, draws: 40))
        #expect(!rule.passes(matches: 3, draws: 40))
        // 8 of 40: p ≈ 7.7e-15, times 32768 hypotheses is far below 0.01.
        #expect(rule.passes(matches: 8, draws: 40))
        #expect(!CandidateRule(alpha: 0.01, modulus: 1000, seeds: UInt128(1) << 64, skips: 1000).passes(matches: 8, draws: 40))
    }
}

@Suite("Campaign: a kill between any two steps of a cycle")
struct CampaignStepTests {
    /// Copies `from` to a new directory.
    func copy(_ from: String) throws -> String {
        let to = try CampaignFixture.scratch() + "/night"
        try FileManager.default.copyItem(atPath: from, toPath: to)
        return to
    }

    /// Cuts `history.jsonl` back to its first `lines` lines.
    func cutHistory(_ directory: String, to lines: Int) throws {
        let path = directory + "/history.jsonl"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try Data(text.split(separator: "\n").prefix(lines).map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test("resumed after a kill between any two of a cycle's steps, each step's file is written once and the files are those of an uninterrupted run",
          arguments: ["progress", "history", "record", "candidates", "canary"])
    func killBetweenSteps(_ cut: String) throws {
        let directory = try CampaignFixture.scratch()
        let (path, history) = try CampaignFixture.writeHistory(in: directory)
        let file = try CampaignFixture.file(historyPath: path, history: history)
        let whole = directory + "/night"
        // Cycle 1 holds the planted seed: its candidate line is the one a careless resume repeats.
        do { _ = try Campaign.open(directory: whole, file: file, history: history).run(cycles: 2, champion: { CampaignFixture.champion() }) }
        let expected = try CampaignFixture.files(whole)
        let cutDirectory = try copy(whole)
        let manager = FileManager.default
        // Undo cycle 1's steps from the last back to `cut`, as a kill just before that step leaves it.
        let steps = ["progress", "history", "record", "candidates", "canary"]
        for step in steps.prefix(through: steps.firstIndex(of: cut)!) {
            switch step {
            case "progress":
                try manager.removeItem(atPath: cutDirectory + "/progress_report_000001.json")
                try manager.copyItem(atPath: cutDirectory + "/progress_report_000000.json", toPath: cutDirectory + "/latest_progress.json.old")
                try manager.removeItem(atPath: cutDirectory + "/latest_progress.json")
                try manager.moveItem(atPath: cutDirectory + "/latest_progress.json.old", toPath: cutDirectory + "/latest_progress.json")
            case "history": try cutHistory(cutDirectory, to: 1)
            case "record": try manager.removeItem(atPath: cutDirectory + "/cycles/000001.json")
            case "candidates": try Data().write(to: URL(fileURLWithPath: cutDirectory + "/candidates.jsonl"))
            default: try manager.removeItem(atPath: cutDirectory + "/cycles/000001/canary.json")
            }
        }
        let resumed = try Campaign.open(directory: cutDirectory, file: file, history: history)
        #expect(try resumed.run(cycles: cut == "progress" ? 0 : 1, champion: { CampaignFixture.champion() }) == .cyclesDone)
        let actual = try CampaignFixture.files(cutDirectory)
        #expect(Set(actual.keys) == Set(expected.keys))
        for (name, text) in expected where actual[name] != text {
            Issue.record("\(name) differs:\n\(actual[name] ?? "(missing)")\nexpected:\n\(text)")
        }
        #expect(try JSONLines.read(FilePath(cutDirectory).appending(CampaignFiles.candidates)).lines.count == 1)
        #expect(try Journal.read(FilePath(cutDirectory + "/history.jsonl"), damage: .damagedOutputDirectory).records.count == 2)
    }
}

@Suite("Campaign: the log")
struct CampaignLogTests {
    @Test("logs/campaign.log rotates past its limit, keeping 3 backups")
    func rotation() throws {
        let directory = try CampaignFixture.scratch()
        let path = directory + "/campaign.log"
        let log = RunLog(path: path, limit: 200, backups: 3)
        for index in 0..<60 { log.write("line \(index) of a campaign's log") }
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: directory))
        #expect(names == ["campaign.log", "campaign.log.1", "campaign.log.2", "campaign.log.3"])
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("line 59"))
        for name in names {
            #expect((try FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.size] as? Int ?? 0) <= 200)
        }
    }

    @Test("a campaign's log is logs/campaign.log, created on start, limited to 5 MB with 3 backups")
    func campaignLog() throws {
        let directory = try CampaignFixture.scratch()
        let (path, history) = try CampaignFixture.writeHistory(in: directory)
        let campaign = try Campaign.open(directory: directory + "/night", file: try CampaignFixture.file(historyPath: path, history: history),
                                         history: history)
        #expect(FileIO.isDirectory(FilePath(directory + "/night/logs")))
        #expect(campaign.log.limit == 5 << 20)
        #expect(campaign.log.keep == 4)
        #expect(campaign.log.path == directory + "/night/logs/campaign.log")
    }
}

@Suite("Campaign: a champion that cannot run the campaign")
struct CampaignUnusableChampionTests {
    @Test("promoted mid-campaign, it is logged and the previous champion kept; for the first cycle it is an error")
    func unusableChampion() throws {
        let directory = try CampaignFixture.scratch()
        let (path, history) = try CampaignFixture.writeHistory(in: directory)
        let file = try CampaignFixture.file(historyPath: path, history: history)
        // Window 50 after offset 20 needs 70 draws; the history has 60.
        let unusable = CampaignFixture.champion(CampaignFixture.configuration(window: 50))
        do {
            _ = try Campaign.open(directory: directory + "/first", file: file, history: history).run(champion: { unusable })
            Issue.record("a first cycle ran a champion whose window does not fit")
        } catch let error as InputError {
            #expect(error.kind == .windowDoesNotFit)
        }
        var current = CampaignFixture.champion()
        let campaign = try Campaign.open(directory: directory + "/night", file: file, history: history)
        #expect(try campaign.run(cycles: 1, champion: { current }) == .cyclesDone)
        current = unusable
        #expect(try campaign.run(cycles: 1, champion: { current }) == .cyclesDone)
        #expect(campaign.cycles.map(\.champion.contentHash) == [CampaignFixture.hashA, CampaignFixture.hashA])
        let log = try String(contentsOfFile: directory + "/night/logs/campaign.log", encoding: .utf8)
        #expect(log.contains("cannot run this campaign"))
    }

    @Test("a champion of another family, or the baseline once the file is removed, is not swapped in: the seeds swept are the first cycle's family's")
    func anotherFamily() throws {
        let directory = try CampaignFixture.scratch()
        let (path, history) = try CampaignFixture.writeHistory(in: directory)
        let file = try CampaignFixture.file(historyPath: path, history: history)
        var other = CampaignFixture.configuration()
        other.parameters.prng = "lcg32"  // fits the window and the seeds: only the family differs
        var current = CampaignFixture.champion()
        let campaign = try Campaign.open(directory: directory + "/night", file: file, history: history)
        #expect(try campaign.run(cycles: 1, champion: { current }) == .cyclesDone)
        current = CampaignFixture.champion(other)
        #expect(try campaign.run(cycles: 1, champion: { current }) == .cyclesDone)
        current = CycleChampion(.baseline(name: "night"))
        #expect(try campaign.run(cycles: 1, champion: { current }) == .cyclesDone)
        #expect(campaign.cycles.map(\.champion.contentHash) == Array(repeating: CampaignFixture.hashA, count: 3))
        let log = try String(contentsOfFile: directory + "/night/logs/campaign.log", encoding: .utf8)
        #expect(log.contains("sieves lcg32, but this campaign sweeps java_lcg's seeds"))
        #expect(log.contains("sieves xorshift32, but this campaign sweeps java_lcg's seeds"))
    }
}

@Suite("Campaign: reference mode")
struct CampaignReferenceModeTests {
    static func referenceConfiguration(offset: Int) -> Champion.Configuration {
        Champion.Configuration(
            parameters: TrialParameters(windowSize: 20, offset: offset, burn: 0, skipMin: 0, skipMax: 7, forwardThreshold: "0.3",
                                        reverseThreshold: "0.3", sessions: "all", prng: "java_lcg"),
            modulus: 1000, referenceMode: true)
    }

    @Test("the canary is planted in the reference's stream positions and found forward, at offsets 0 and 13", arguments: [0, 13])
    func canary(offset: Int) throws {
        let directory = try CampaignFixture.scratch()
        let (path, history) = try CampaignFixture.writeHistory(in: directory)
        let campaign = try Campaign.open(directory: directory + "/night", file: try CampaignFixture.file(historyPath: path, history: history),
                                         history: history)
        let prepared = try campaign.prepare(Self.referenceConfiguration(offset: offset), seeds: campaign.range(of: 0))
        #expect(CandidateRule.Evidence(prepared.plan) == .forward)
        for cycle in 0..<3 {
            let result = try Canary.run(cycle: cycle, plan: prepared.plan, draws: 60, seeds: 4096, placement: .inside,
                                        backend: CPUSieveBackend())
            #expect(result.recall == 1, "cycle \(cycle)")
        }
    }

    @Test("a reference-mode champion finds the planted seed (offset 0: the reference's positions are the history's) as a forward candidate")
    func candidate() throws {
        let directory = try CampaignFixture.scratch()
        let (path, history) = try CampaignFixture.writeHistory(in: directory)
        let campaign = try Campaign.open(directory: directory + "/night", file: try CampaignFixture.file(historyPath: path, history: history),
                                         history: history)
        #expect(try campaign.run(champion: { CampaignFixture.champion(Self.referenceConfiguration(offset: 0)) }) == .complete)
        let lines = try JSONLines.read(FilePath(directory + "/night").appending(CampaignFiles.candidates)).lines
        #expect(lines.map { $0["seed"]?.uint64 } == [CampaignFixture.plantedSeed])
        #expect(lines.first?["draws"]?.integer == 20)
        #expect(campaign.cycles.allSatisfy { $0.survivorTest == "forward" && $0.canary.recall == 1 })
        #expect(campaign.cycles[1].survivors >= 1)
    }
}
