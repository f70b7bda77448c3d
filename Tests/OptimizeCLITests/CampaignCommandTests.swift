import Foundation
import Testing
import WindowSearch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `optimize campaign run` as a user runs it: killed at random instants, its champion replaced
/// while it runs, and judged by `optimize status`.
@Suite("optimize campaign run: kills, champion replacement, environment, status", .serialized)
struct CampaignCommandTests {
    /// A directory with `history.json` (java_lcg, seed 5000 planted at skip 3, 5 % noise) and
    /// `champions/night.json`.
    func setUp() throws -> URL {
        let directory = try Optimize.scratchDirectory()
        let generated = try Optimize.run(["generate", "--prng", "java_lcg", "--seed", "5000", "--count", "60", "--skip", "3",
                                          "--noise", "0.05", "--noise-seed", "9", "--out", "history.json"], in: directory)
        #expect(generated.status == 0, "\(generated.stderr)")
        try writeChampion(Self.champion(), in: directory)
        return directory
    }

    static func champion(window: Int = 20, promotedAt: String = "2026-12-02T01:00:00.000+00:00") -> Champion {
        Champion(
            name: "night",
            configuration: .init(parameters: TrialParameters(windowSize: window, offset: 20, burn: 0, skipMin: 0, skipMax: 7,
                                                             forwardThreshold: "0.3", reverseThreshold: "0.3", sessions: .all,
                                                             prng: "java_lcg"), modulus: 1000),
            origin: .init(run: "run", trial: 0, historySHA256: "0", history: "history.json", family: "java_lcg", seeds: "0..<16384",
                          significance: nil, toolVersion: nil, gitCommit: nil),
            promotedAt: promotedAt)
    }

    /// Promotes `champion` to `champions/night.json` with the champion library (atomically, the
    /// previous one kept as `night.json.bak`), as `optimize champion promote` does.
    func writeChampion(_ champion: Champion, in directory: URL) throws {
        let champions = directory.appendingPathComponent("champions")
        try FileManager.default.createDirectory(at: champions, withIntermediateDirectories: true)
        _ = try ChampionStore(directory: FilePath(champions.path)).promote(champion)
    }

    func arguments(out: String = "night", block: String = "2048") -> [String] {
        ["campaign", "run", "--champion", "night", "--draws", "history.json", "--seeds", "0..<16384", "--block", block,
         "--out", out, "--backend", "cpu", "--chunk-size", "256", "--chance-sample", "65536"]
    }

    /// Starts the binary with extra environment variables (output discarded).
    func start(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = Optimize.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    func run(_ arguments: [String], in directory: URL, environment: [String: String]) throws -> CommandResult {
        let process = Process()
        process.executableURL = Optimize.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: "", stderr: String(decoding: data, as: UTF8.self))
    }

    func json(_ url: URL) -> [String: Any]? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    /// Waits until `latest_progress.json` says `cycles` cycles are done (or `seconds` pass).
    func waitForCycles(_ cycles: Int, in campaign: URL, seconds: Double = 120) -> Bool {
        let until = Date().addingTimeInterval(seconds)
        while Date() < until {
            if let latest = json(campaign.appendingPathComponent("latest_progress.json")),
               (latest["total_cycles"] as? Int ?? 0) >= cycles { return true }
            usleep(20_000)
        }
        return false
    }

    /// Every file of a campaign, by relative path: logs and locks left out, times, process ids and
    /// absolute paths masked, journal checksums (which cover the times) dropped.
    static func files(_ directory: URL) throws -> [String: String] {
        var result: [String: String] = [:]
        let base = directory.standardizedFileURL.resolvingSymlinksInPath()
        let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let url as URL in enumerator {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            let relative = String(url.resolvingSymlinksInPath().path.dropFirst(base.path.count + 1))
            if relative.hasPrefix("logs/") || relative.hasSuffix(".lock") { continue }
            let data = try Data(contentsOf: url)
            if relative.hasSuffix(".bin") {
                result[relative] = data.base64EncodedString()
                continue
            }
            result[relative] = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                .map { line -> String in
                    var body = Substring(line)
                    if body.count > 9, body.first != "{", body[body.index(body.startIndex, offsetBy: 8)] == " " { body = body.dropFirst(9) }
                    return mask(String(body))
                }.joined(separator: "\n")
        }
        return result
    }

    static let maskedFields = ["seconds", "seeds_per_second", "cost_per_2_32_seeds_s", "recent_seeds_per_second",
                               "recent_cost_per_2_32_seeds_s", "last_updated", "finished", "started", "created", "path",
                               "champions_directory"]

    static func mask(_ text: String) -> String {
        var output = text
        for field in maskedFields {
            output = output.replacingOccurrences(of: "\"\(field)\"\\s*:\\s*(\"[^\"]*\"|[-0-9.eE+]+|null)", with: "\"\(field)\": …",
                                                 options: .regularExpression)
        }
        return output
    }

    @Test("killed at random instants and resumed, a campaign ends with every file of an uninterrupted one (times aside)")
    func killsAtRandomInstants() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = directory.appendingPathComponent("whole")
        let killed = directory.appendingPathComponent("killed")
        for place in [whole, killed] {
            try FileManager.default.createDirectory(at: place, withIntermediateDirectories: true)
            for name in ["history.json", "champions"] {
                try FileManager.default.copyItem(at: directory.appendingPathComponent(name), to: place.appendingPathComponent(name))
            }
        }
        let began = Date()
        let uninterrupted = try Optimize.run(arguments(), in: whole)
        // Kills land anywhere in the first fifth of an uninterrupted run's time, so that however
        // fast the machine, most runs are killed mid-campaign (each resumes a little further on).
        let span = max(0.05, Date().timeIntervalSince(began) / 5)
        #expect(uninterrupted.status == 0, "\(uninterrupted.stderr)")
        #expect(uninterrupted.stdout.contains("campaign complete"), "\(uninterrupted.stdout)")

        var generator = SystemRandomNumberGenerator()
        var kills = 0
        for _ in 0..<12 {
            let process = try start(arguments(), in: killed)
            usleep(UInt32(Double.random(in: 0.01...span, using: &generator) * 1_000_000))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
        }
        #expect(kills >= 4, "the campaign finished before it could be killed often")
        let resumed = try Optimize.run(arguments(), in: killed)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let expected = try Self.files(whole.appendingPathComponent("night"))
        let actual = try Self.files(killed.appendingPathComponent("night"))
        #expect(Set(actual.keys) == Set(expected.keys),
                "only after kills: \(Set(actual.keys).subtracting(expected.keys).sorted()); only uninterrupted: \(Set(expected.keys).subtracting(actual.keys).sorted())")
        for (name, text) in expected where actual[name] != nil && actual[name] != text {
            Issue.record("\(name) differs after kills:\n\(actual[name] ?? "(missing)")\nexpected:\n\(text)")
        }
        // One history line per cycle, one progress report per cycle, the planted seed once.
        let history = try String(contentsOf: killed.appendingPathComponent("night/history.jsonl"), encoding: .utf8)
        #expect(history.split(separator: "\n").count == 8)
        let candidates = try String(contentsOf: killed.appendingPathComponent("night/candidates.jsonl"), encoding: .utf8)
        #expect(candidates.split(separator: "\n").count == 1)
        #expect(candidates.contains(#""seed":5000"#))
    }

    @Test("a champion replaced while a campaign runs: the next cycle records the new source and hash")
    func championReplaced() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let campaign = directory.appendingPathComponent("night")
        let process = try start(arguments() + ["--cycles", "3"], in: directory, environment: ["OPTIMIZE_CAMPAIGN_PAUSE": "3"])
        #expect(waitForCycles(1, in: campaign))
        let replacement = Self.champion(window: 16, promotedAt: "2026-12-02T02:00:00.000+00:00")
        try writeChampion(replacement, in: directory)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let first = json(campaign.appendingPathComponent("cycles/000000.json"))?["champion"] as? [String: Any]
        let second = json(campaign.appendingPathComponent("cycles/000001.json"))?["champion"] as? [String: Any]
        #expect(first?["content_hash"] as? String == Self.champion().contentHash)
        #expect(second?["content_hash"] as? String == replacement.contentHash)
        #expect(second?["source"] as? String == "champions/night.json")
        let latest = json(campaign.appendingPathComponent("latest_progress.json"))
        #expect((latest?["champion"] as? [String: Any])?["content_hash"] as? String == replacement.contentHash)
        #expect(latest?["total_cycles"] as? Int == 3)
        let log = try String(contentsOf: campaign.appendingPathComponent("logs/campaign.log"), encoding: .utf8)
        #expect(log.contains("champion loaded"))
    }

    @Test("status: running → wait, killed → retry with the campaign's command, complete → proceed with its candidates")
    func statusVerdicts() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let campaign = directory.appendingPathComponent("night")
        let process = try start(arguments(), in: directory, environment: ["OPTIMIZE_CAMPAIGN_PAUSE": "30"])
        #expect(waitForCycles(1, in: campaign))
        let running = try Optimize.run(["status", "night"], in: directory)
        #expect(running.status == 2, "\(running.stdout)\(running.stderr)")
        #expect(running.stdout.hasPrefix("wait (confidence 0.60): running: 1 of 8 cycles"), "\(running.stdout)")
        // A second runner on the same directory is refused, changing nothing.
        let second = try Optimize.run(arguments(), in: directory)
        #expect(second.status == 53, "\(second.stderr)")
        #expect(second.stderr.contains("another optimize process is writing this campaign"))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let gone = try Optimize.run(["status", "night", "--json"], in: directory)
        #expect(gone.status == 3, "\(gone.stdout)\(gone.stderr)")
        let verdict = try #require(try JSONSerialization.jsonObject(with: Data(gone.stdout.utf8)) as? [String: Any])
        #expect(verdict["rule"] as? String == "killed")
        let command = try #require(verdict["command"] as? String)
        #expect(command.hasPrefix("optimize campaign run --champion night"), "\(command)")
        // The command it gives finishes the campaign.
        let words = command.split(separator: " ").dropFirst().map(String.init)
        let resumed = try Optimize.run(words.map { $0.hasPrefix("'") ? String($0.dropFirst().dropLast()) : $0 }, in: directory)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let done = try Optimize.run(["status", "night"], in: directory)
        #expect(done.status == 0, "\(done.stdout)\(done.stderr)")
        #expect(done.stdout.hasPrefix("proceed (confidence 0.95): complete: 8 of 8 cycles (16384 of 16384 seeds); 1 candidate in candidates.jsonl"),
                "\(done.stdout)")
        // A damaged progress file: escalate, naming it.
        try Data("{".utf8).write(to: campaign.appendingPathComponent("latest_progress.json"))
        let damaged = try Optimize.run(["status", "night"], in: directory)
        #expect(damaged.status == 4)
        #expect(damaged.stdout.contains("latest_progress.json"), "\(damaged.stdout)")
    }

    @Test("a missed canary: one line in hard_bank.txt, hard_negatives 1, and status escalates")
    func canaryMiss() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try run(arguments() + ["--cycles", "1"], in: directory, environment: ["OPTIMIZE_CAMPAIGN_CANARY": "beyond-range"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("MISSED"))
        let bank = try String(contentsOf: directory.appendingPathComponent("night/hard_bank.txt"), encoding: .utf8)
        #expect(bank.split(separator: "\n").count == 1)
        #expect(json(directory.appendingPathComponent("night/latest_progress.json"))?["hard_negatives"] as? Int == 1)
        let status = try Optimize.run(["status", "night"], in: directory)
        #expect(status.status == 4, "\(status.stdout)")
        #expect(status.stdout.contains("canary was missed"), "\(status.stdout)")
    }

    @Test("environment overrides: OPTIMIZE_CAMPAIGN_BLOCK sets the cycle size; a bad value exits 60 naming the variable; bad options and a tampered champion exit before anything is written")
    func environment() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, value) in [("OPTIMIZE_CAMPAIGN_BLOCK", "many"), ("OPTIMIZE_CAMPAIGN_PAUSE", "-2")] {
            let result = try run(arguments(), in: directory, environment: [name: value])
            #expect(result.status == 60, "\(result.stderr)")
            #expect(result.stderr.contains(name))
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("night").path))
        }
        // Bad options and a damaged champion are refused before anything is written.
        let zero = try Optimize.run(arguments(block: "0"), in: directory)
        #expect(zero.status == 13, "\(zero.stderr)")
        #expect(zero.stderr.contains("--block"))
        let wide = try Optimize.run(["campaign", "run", "--champion", "night", "--draws", "history.json", "--seeds", "0..<2^65",
                                     "--block", "2048", "--out", "night"], in: directory)
        #expect(wide.status == 12 || wide.status == 17, "\(wide.stderr)")
        let championFile = directory.appendingPathComponent("champions/night.json")
        let good = try Data(contentsOf: championFile)
        try Data(String(decoding: good, as: UTF8.self).replacingOccurrences(of: "\"window_size\": 20", with: "\"window_size\": 21").utf8)
            .write(to: championFile)
        let tampered = try Optimize.run(arguments(), in: directory)
        #expect(tampered.status == 55, "\(tampered.stderr)")
        #expect(tampered.stderr.contains("content_hash"))
        try good.write(to: championFile)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("night").path))
        let result = try run(arguments(block: "2048") + ["--cycles", "1"], in: directory, environment: ["OPTIMIZE_CAMPAIGN_BLOCK": "4096"])
        #expect(result.status == 0, "\(result.stderr)")
        let record = json(directory.appendingPathComponent("night/cycles/000000.json"))
        #expect(record?["range"] as? String == "0..<4096")
        // Another block on the same directory is another campaign: refused, 40.
        let other = try Optimize.run(arguments(block: "1024"), in: directory)
        #expect(other.status == 40, "\(other.stderr)")
        #expect(other.stderr.contains("block"))
    }
}
