import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `optimize monitor` on real campaigns (`optimize campaign run`): the campaign panel as text
/// (`--once`, not a terminal) and in a real terminal (tmux), beside a search run.
@Suite("optimize monitor: the campaign panel", .serialized)
struct MonitorCampaignTests {
    /// The champion, history and arguments of CampaignCommandTests.
    let campaign = CampaignCommandTests()
    let monitor = MonitorCommandTests()

    /// A directory with a campaign `night` of which `cycles` cycles ran (of 8; the planted seed
    /// 5000 is in cycle 2), with `environment` for the runner.
    func campaignDirectory(cycles: Int, environment: [String: String] = [:]) throws -> URL {
        let directory = try campaign.setUp()
        let result = try campaign.run(campaign.arguments() + ["--cycles", "\(cycles)"], in: directory, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        return directory
    }

    @Test("--once, NO_COLOR, not a terminal: cycles, seeds, the cycle to come, canary recall, candidates with their seed, hard negatives, the last cycles' KPIs")
    func onceText() throws {
        let directory = try campaignDirectory(cycles: 3)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Optimize.run(["monitor", "night", "--once"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(!text.contains("search runs only"), "\(text)")
        #expect(!text.contains("\u{1B}"), "\(text)")
        // Killed between cycles (the runner exited after 3): the watcher's verdict on it, as `optimize status` gives it.
        #expect(lines.contains { $0.hasPrefix("night  [CAMPAIGN ") }, "\(text)")
        #expect(lines.contains { $0.hasPrefix("  cycles 3/8  seeds 6.1k/16.4k [") && $0.contains("] ") },
                "\(text)")
        #expect(lines.contains { $0.contains(" seeds/s  ETA ") }, "\(text)")
        #expect(lines.contains { $0.hasPrefix("  cycle 3: ") }, "\(text)")
        #expect(lines.contains { $0.hasPrefix("  canary recall: recent 1.00; cycle 2 found: skip ") }, "\(text)")
        #expect(lines.contains("  candidates 1  hard negatives 0"), "\(text)")
        #expect(lines.contains { $0.hasPrefix("    cycle  seed  skip  matches  log10 p") }, "\(text)")
        #expect(lines.contains { $0.hasPrefix("    2      5000  3     ") }, "\(text)")
        #expect(lines.contains { $0.hasPrefix("  last 3 cycles: ") && $0.contains(" seeds/s, ") && $0.contains(" per 2^32, survivors ") && $0.hasSuffix(" x chance") }, "\(text)")
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines.map(\.count))")
    }

    @Test("a forced canary miss: the panel shows MISSED and hard negatives 1, and the watcher escalates")
    func canaryMiss() throws {
        let directory = try campaignDirectory(cycles: 1, environment: ["OPTIMIZE_CAMPAIGN_CANARY": "beyond-range"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Optimize.run(["monitor", "night", "--once"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("night  [CAMPAIGN ESCALATE ") }, "\(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("  canary recall: recent 0; cycle 0 MISSED (beyond_range): skip ") }, "\(result.stdout)")
        #expect(lines.contains("  candidates 0  hard negatives 1"), "\(result.stdout)")
    }

    @Test("a search run and a campaign side by side under tmux: both panels, no row wider than the pane at 100 columns, nor at 60")
    func besideSearchInTmux() throws {
        _ = try Tmux.required()
        let directory = try campaignDirectory(cycles: 3)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The search's history and bounds (h.json, bounds.json) beside the campaign's (history.json).
        let searchFiles = try monitor.search.setUp()
        defer { try? FileManager.default.removeItem(at: searchFiles) }
        for name in ["h.json", "bounds.json"] {
            try FileManager.default.copyItem(at: searchFiles.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        #expect(try Optimize.run(monitor.search.searchArguments(out: "run", trials: 2), in: directory).status == 0)
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(monitor.shell(["monitor", "run", "night", "--interval", "600"], in: directory)
                       + "; echo \"monitor exited $?\"; sleep 60", width: 100, height: 45)
        var rows = try tmux.wait { $0.contains { $0.hasPrefix("  last 3 cycles: ") } }
        #expect(rows.contains { $0.hasPrefix("optimize monitor  ") && $0.contains("2 runs") }, "\(rows)")
        #expect(rows.contains { $0.hasPrefix("run  [PROCEED 0.95]") }, "\(rows)")
        #expect(rows.contains { $0.hasPrefix("night  [CAMPAIGN ") }, "\(rows)")
        #expect(rows.contains { $0.hasPrefix("  cycles 3/8  seeds 6.1k/16.4k [███") }, "\(rows)")
        #expect(rows.contains("  candidates 1  hard negatives 0"), "\(rows)")
        #expect(rows.contains { $0.hasPrefix("  canary recall: recent 1.00") }, "\(rows)")
        #expect(rows.allSatisfy { $0.count <= 100 }, "\(rows.map(\.count))")

        try tmux.resize(width: 60)
        rows = try tmux.wait(seconds: 20) { rows in
            rows.contains { $0.hasPrefix("night  [CAMPAIGN") && $0.count == 60 } && rows.allSatisfy { $0.count <= 60 }
        }
        #expect(rows.allSatisfy { $0.count <= 60 }, "\(rows.map(\.count))")
        #expect(rows.contains { $0.hasPrefix("night  [CAMPAIGN") && $0.count == 60 && $0.hasSuffix("~") }, "\(rows)")
        #expect(rows.contains { $0.hasPrefix("  cycles 3/8 ") }, "\(rows)")
        try tmux.send(keys: "q")
        rows = try tmux.wait(seconds: 10) { $0.contains("monitor exited 0") }
        #expect(rows.contains("monitor exited 0"), "\(rows)")
    }

    @Test("a running campaign between cycles is not STALE; stopped (SIGSTOP) past its rules' staleness it is")
    func stale() throws {
        let directory = try campaign.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = try campaign.start(campaign.arguments(), in: directory, environment: ["OPTIMIZE_CAMPAIGN_PAUSE": "30"])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
        #expect(campaign.waitForCycles(1, in: directory.appendingPathComponent("night")))
        let live = try Optimize.run(["monitor", "night", "--once"], in: directory).stdout
        #expect(live.contains("night  [CAMPAIGN WAIT "), "\(live)")
        #expect(live.contains(" alive, updated "), "\(live)")
        #expect(!live.contains("STALE"), "\(live)")

        kill(process.processIdentifier, SIGSTOP)
        defer { kill(process.processIdentifier, SIGCONT) }
        try Data(#"{"minimum_staleness_seconds": 1, "staleness_factor": 1}"#.utf8).write(to: directory.appendingPathComponent("rules.json"))
        var stale = ""
        let until = Date().addingTimeInterval(60)
        while Date() < until {
            stale = try Optimize.run(["monitor", "night", "--once", "--rules", "rules.json"], in: directory).stdout
            if stale.contains("STALE") { break }
            Thread.sleep(forTimeInterval: 0.5)
        }
        #expect(stale.contains("night  [STALE, CAMPAIGN "), "\(stale)")
        #expect(stale.contains("  STALE: no change for ") && stale.contains("x slowest cycle))"), "\(stale)")
    }

    @Test("a cycle in progress: stopped (SIGSTOP) with its sweep journal begun, the panel shows the seeds swept; past the rules' staleness, STALE by the journal's time")
    func cycleInProgress() throws {
        let directory = try campaign.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let night = directory.appendingPathComponent("night")
        let process = try campaign.start(campaign.arguments(), in: directory)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
        // Cycle 1 under way: its journal holds a chunk and its record is not written (checked again once stopped).
        func underWay() -> Bool {
            let journal = night.appendingPathComponent("cycles/000001/sweep/chunks.journal")
            let size = (try? FileManager.default.attributesOfItem(atPath: journal.path)[.size] as? Int) ?? 0
            return size > 0 && !FileManager.default.fileExists(atPath: night.appendingPathComponent("cycles/000001.json").path)
        }
        var stopped = false
        let deadline = Date().addingTimeInterval(120)
        while !stopped && Date() < deadline && process.isRunning {
            if underWay() {
                kill(process.processIdentifier, SIGSTOP)
                if underWay() { stopped = true } else { kill(process.processIdentifier, SIGCONT) }
            }
            usleep(2_000)
        }
        try #require(stopped, "cycle 1 was never seen under way")
        defer { kill(process.processIdentifier, SIGCONT) }
        let frame = try Optimize.run(["monitor", "night", "--once"], in: directory).stdout
        let line = frame.split(separator: "\n").map(String.init).first { $0.hasPrefix("  cycle 1: [") }
        #expect(line?.hasSuffix("/2.0k seeds swept") == true, "\(frame)")
        #expect(line?.contains(" 0/2.0k ") == false, "\(frame)")
        #expect(frame.contains("  cycles 1/8 "), "\(frame)")
        #expect(!frame.contains("STALE"), "\(frame)")

        try Data(#"{"minimum_staleness_seconds": 1, "staleness_factor": 1}"#.utf8).write(to: directory.appendingPathComponent("rules.json"))
        var stale = ""
        let until = Date().addingTimeInterval(60)
        while Date() < until {
            stale = try Optimize.run(["monitor", "night", "--once", "--rules", "rules.json"], in: directory).stdout
            if stale.contains("STALE") { break }
            Thread.sleep(forTimeInterval: 0.5)
        }
        #expect(stale.contains("night  [STALE, CAMPAIGN "), "\(stale)")
        #expect(stale.contains("  STALE: no change for "), "\(stale)")
    }
}
