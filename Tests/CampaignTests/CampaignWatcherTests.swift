import Foundation
import Testing
@testable import Campaign

/// The watcher's campaign rules, as a pure function of a snapshot, the time and the rules table.
@Suite("Watcher: a campaign's verdict")
struct CampaignWatcherTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func snapshot(cycles: Int, total: Int = 8, alive: Bool, missed: [Int] = [], quiet: Double = 1, candidates: Int = 0) -> RunSnapshot {
        var snapshot = RunSnapshot(
            directory: "night", runStatus: cycles >= total ? "complete" : "running", totalTrials: total, level: .infinity,
            trials: (0..<cycles).map { RunSnapshot.Trial(trial: $0, state: .complete, seconds: 2, finished: now.addingTimeInterval(-quiet)) },
            progressUpdated: cycles == 0 ? nil : now.addingTimeInterval(-quiet), owner: .init(alive: alive, pid: 42))
        snapshot.campaign = .init(cyclesTotal: total, cycleSeeds: Array(repeating: 2048, count: cycles),
                                  cycleCandidates: (0..<cycles).map { $0 == cycles - 1 ? candidates : 0 }, missedCanaries: missed,
                                  command: "optimize campaign run --champion night --out night", seedsTotal: "\(total * 2048)")
        return snapshot
    }

    @Test("running → wait; gone → retry with the campaign's command; complete → proceed with its candidates")
    func verdicts() {
        let running = Watcher.verdict(snapshot(cycles: 3, alive: true), now: now)
        #expect(running.action == .wait)
        #expect(running.rule == .running)
        #expect(running.reason.contains("3 of 8 cycles (6144 of 16384 seeds)"))
        let gone = Watcher.verdict(snapshot(cycles: 3, alive: false), now: now)
        #expect(gone.action == .retry)
        #expect(gone.rule == .killed)
        #expect(gone.command == "optimize campaign run --champion night --out night")
        let done = Watcher.verdict(snapshot(cycles: 8, alive: false, candidates: 2), now: now)
        #expect(done.action == .proceed)
        #expect(done.rule == .campaignComplete)
        #expect(done.reason.contains("2 candidates"))
        // A replay judges each cycle with what was known then.
        let replay = Watcher.replay(snapshot(cycles: 8, alive: false, candidates: 2), now: now)
        #expect(replay.map(\.verdict.action) == Array(repeating: .wait, count: 7) + [.proceed])
        #expect(replay[3].verdict.reason.contains("4 of 8 cycles (8192 of 16384 seeds); 0 candidates"))
    }

    @Test("the last cycle's canary missed → escalate, even when complete; an older miss alone does not")
    func canaryMiss() throws {
        let missed = Watcher.verdict(snapshot(cycles: 8, alive: false, missed: [7]), now: now)
        #expect(missed.action == .escalate)
        #expect(missed.rule == .canaryMiss)
        #expect(missed.confidence == 0.9)
        #expect(Watcher.verdict(snapshot(cycles: 8, alive: false, missed: [3]), now: now).action == .proceed)
        // The confidence is data: a rules file changes it.
        let rules = try WatcherRules.parse(try JSONReader.parse(#"{"canary_miss_confidence": 0.5}"#), source: "r.json")
        #expect(Watcher.verdict(snapshot(cycles: 8, alive: false, missed: [7]), now: now, rules: rules).confidence == 0.5)
    }

    @Test("a live runner quiet for longer than the staleness rule → escalate; damage → escalate first")
    func staleAndDamaged() {
        let stale = Watcher.verdict(snapshot(cycles: 3, alive: true, quiet: 600), now: now)
        #expect(stale.action == .escalate)
        #expect(stale.rule == .stale)
        var damaged = snapshot(cycles: 8, alive: false)
        damaged.damage = [.init(file: "history.jsonl", problem: "line 2 is damaged")]
        #expect(Watcher.verdict(damaged, now: now).rule == .damaged)
    }
}

@Suite("CampaignSnapshot: a campaign read for the watcher")
struct CampaignSnapshotTests {
    @Test("a cycle in progress counts as activity (its sweep's journal), though the progress files change once a cycle")
    func activityWithinCycle() throws {
        let directory = try CampaignFixture.scratch()
        let (path, history) = try CampaignFixture.writeHistory(in: directory)
        let file = try CampaignFixture.file(historyPath: path, history: history)
        let out = directory + "/night"
        do { _ = try Campaign.open(directory: out, file: file, history: history).run(cycles: 1, champion: { CampaignFixture.champion() }) }
        let afterFirst = try CampaignSnapshot.read(directory: out)
        let progressTime = try #require(afterFirst.progressUpdated)
        Thread.sleep(forTimeInterval: 0.05)
        var seen = 0
        do {
            _ = try Campaign.open(directory: out, file: file, history: history)
                .run(champion: { CampaignFixture.champion() }, shouldStop: { seen += 1; return seen > 2 })
        }
        let midway = try CampaignSnapshot.read(directory: out)
        #expect(midway.trials.count == 1)
        #expect(try #require(midway.lastActivity) > progressTime)
        #expect(midway.damage.isEmpty)
        #expect(midway.campaign?.cyclesTotal == 4)
        #expect(midway.campaign?.command == file.command)
        #expect(!midway.owner.alive)
    }

    @Test("damaged files are listed, not thrown: a torn history line before others, a progress file that is not JSON")
    func damage() throws {
        let directory = try CampaignFixture.scratch()
        let (path, history) = try CampaignFixture.writeHistory(in: directory)
        let out = directory + "/night"
        do {
            _ = try Campaign.open(directory: out, file: try CampaignFixture.file(historyPath: path, history: history), history: history)
                .run(cycles: 2, champion: { CampaignFixture.champion() })
        }
        var text = try String(contentsOfFile: out + "/history.jsonl", encoding: .utf8)
        text = "0" + text.dropFirst()
        try Data(text.utf8).write(to: URL(fileURLWithPath: out + "/history.jsonl"))
        try Data("not json".utf8).write(to: URL(fileURLWithPath: out + "/latest_progress.json"))
        let snapshot = try CampaignSnapshot.read(directory: out)
        #expect(Set(snapshot.damage.map(\.file)) == ["history.jsonl", "latest_progress.json"])
        #expect(Watcher.verdict(snapshot, now: Date()).action == .escalate)
    }
}
