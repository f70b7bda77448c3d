import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("optimize status: the watcher's verdict on a finished, running, hung, killed or damaged search", .serialized)
struct StatusCommandTests {
    /// The planted java_lcg history, bounds file and search of SearchCommandTests.
    let search = SearchCommandTests()

    func setUp() throws -> URL { try search.setUp() }

    func searchArguments(out: String, trials: Int = 10, seeds: String = "0..<131072") -> [String] {
        search.searchArguments(out: out, trials: trials, seeds: seeds)
    }

    /// Every file under `run` (its lock included), by relative path, with its bytes.
    func contents(_ run: URL) -> [String: Data] { DirectoryWriterTests.snapshot(run, locks: true) }

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    @Test("a finished run that claims significance: exit 0, one JSON object, the run unchanged; --replay gives one verdict per trial")
    func finished() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try Optimize.run(searchArguments(out: "run"), in: directory).status == 0)
        let before = contents(directory.appendingPathComponent("run"))

        let text = try Optimize.run(["status", "run"], in: directory)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("proceed (confidence 0.95): complete: 10 of 10 trials; trial "), "\(text.stdout)")
        #expect(text.stdout.contains("claims significance"))

        let result = try Optimize.run(["status", "run", "--json"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try object(result.stdout)
        #expect(json["action"] as? String == "proceed")
        #expect(json["confidence"] as? Double == 0.95)
        #expect(json["rule"] as? String == "complete-claim")
        #expect(json["exit_status"] as? Int == 0)
        #expect(json["command"] is NSNull)
        #expect(json["directory"] as? String == "run")
        #expect((json["reason"] as? String)?.contains("claims significance") == true)
        let run = try #require(json["run"] as? [String: Any])
        #expect(run["status"] as? String == "complete")
        #expect(run["finished_trials"] as? Int == 10 && run["total_trials"] as? Int == 10)
        #expect((run["owner"] as? [String: Any])?["alive"] as? Bool == false)
        #expect((run["best"] as? [String: Any])?["claims_significance"] as? Bool == true)
        #expect(run["stale_after_seconds"] as? Double == 180)
        #expect((json["damage"] as? [Any])?.isEmpty == true)
        let rules = try #require(json["rules"] as? [String: Any])
        #expect(rules["staleness_factor"] as? Double == 3 && rules["minimum_staleness_seconds"] as? Double == 180)

        let replay = try Optimize.run(["status", "run", "--replay"], in: directory)
        #expect(replay.status == 0, "\(replay.stderr)")
        let lines = replay.stdout.split(separator: "\n")
        #expect(lines.count == 10)
        for (index, line) in lines.enumerated() { #expect(line.hasPrefix("after trial \(index): "), "\(line)") }
        #expect(lines.dropLast().allSatisfy { $0.contains(": wait (") })
        #expect(lines.last?.contains(": proceed (0.95) complete: 10 of 10 trials") == true)

        let replayJSON = try Optimize.run(["status", "run", "--replay", "--json"], in: directory)
        #expect(replayJSON.status == 0, "\(replayJSON.stderr)")
        let objects = try replayJSON.stdout.split(separator: "\n").map { try object(String($0)) }
        #expect(objects.map { $0["trial"] as? Int } == Array(0..<10))
        #expect(objects.allSatisfy { ($0["at"] as? String)?.hasSuffix("Z") == true })
        #expect(objects.last?["action"] as? String == "proceed")
        #expect(objects.dropLast().allSatisfy { $0["action"] as? String == "wait" })

        // Nothing status read was changed, and nothing was added.
        #expect(contents(directory.appendingPathComponent("run")) == before)
    }

    @Test("a damaged file: exit 4 naming it; every trial recorded but never marked complete: 3; a bad rules file: exit 54 naming the field; a missing one 20; not a run 51")
    func damagedAndBadInput() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try Optimize.run(searchArguments(out: "run", trials: 4), in: directory).status == 0)
        let manager = FileManager.default

        // A trial record changed in the middle of the journal (its checksum no longer matches).
        try manager.copyItem(at: directory.appendingPathComponent("run"), to: directory.appendingPathComponent("journal"))
        let journalURL = directory.appendingPathComponent("journal/trials.journal")
        var journal = try Data(contentsOf: journalURL)
        let secondLine = try #require(journal.firstIndex(of: UInt8(ascii: "\n"))) + 30
        journal[secondLine] = journal[secondLine] == UInt8(ascii: "7") ? UInt8(ascii: "8") : UInt8(ascii: "7")
        try journal.write(to: journalURL)
        let before = contents(directory.appendingPathComponent("journal"))
        let damaged = try Optimize.run(["status", "journal", "--json"], in: directory)
        #expect(damaged.status == 4, "\(damaged.stdout) \(damaged.stderr)")
        let json = try object(damaged.stdout)
        #expect(json["action"] as? String == "escalate" && json["rule"] as? String == "damaged")
        #expect(json["confidence"] as? Double == 1)
        #expect((json["reason"] as? String)?.hasPrefix("trials.journal is damaged or unreadable: ") == true, "\(json)")
        #expect((json["reason"] as? String)?.contains("line 2") == true, "\(json)")
        #expect(((json["damage"] as? [[String: Any]])?.first)?["file"] as? String == "trials.journal")
        #expect(contents(directory.appendingPathComponent("journal")) == before)
        // --replay of a damaged run is the one verdict that it is damaged.
        #expect(try Optimize.run(["status", "journal", "--replay"], in: directory).status == 4)

        // The best trial's survivor file cut short: what a proceed would hand on.
        try manager.copyItem(at: directory.appendingPathComponent("run"), to: directory.appendingPathComponent("survivors"))
        let best = try object(String(decoding: try Data(contentsOf: directory.appendingPathComponent("survivors/best.json")), as: UTF8.self))
        let bestTrial = try #require(best["best_trial_number"] as? Int)
        let survivorFile = directory.appendingPathComponent("survivors/trials/" + String(format: "%05d", bestTrial) + "/survivors.bin")
        let survivorBytes = try Data(contentsOf: survivorFile)
        try #require(!survivorBytes.isEmpty)
        try survivorBytes.dropLast(1).write(to: survivorFile)
        let cut = try Optimize.run(["status", "survivors"], in: directory)
        #expect(cut.status == 4, "\(cut.stdout)")
        #expect(cut.stdout.hasPrefix("escalate (confidence 1.00): trials/" + String(format: "%05d", bestTrial) + " is damaged or unreadable: "),
                "\(cut.stdout)")

        // progress.json cut short.
        try manager.copyItem(at: directory.appendingPathComponent("run"), to: directory.appendingPathComponent("progress"))
        try Data("{\"status\": \"runn".utf8).write(to: directory.appendingPathComponent("progress/progress.json"))
        let progress = try Optimize.run(["status", "progress"], in: directory)
        #expect(progress.status == 4)
        #expect(progress.stdout.hasPrefix("escalate (confidence 1.00): progress.json is damaged or unreadable: "), "\(progress.stdout)")

        // Every trial recorded, but the process died before run.json said complete (best.json may be
        // a trial behind): resume, do not proceed.
        try manager.copyItem(at: directory.appendingPathComponent("run"), to: directory.appendingPathComponent("unfinished"))
        let runJSON = directory.appendingPathComponent("unfinished/run.json")
        let runText = try String(contentsOf: runJSON, encoding: .utf8)
        #expect(runText.contains(#""status": "complete""#))
        try runText.replacingOccurrences(of: #""status": "complete""#, with: #""status": "running""#).write(to: runJSON, atomically: true, encoding: .utf8)
        let unfinished = try Optimize.run(["status", "unfinished"], in: directory)
        #expect(unfinished.status == 3, "\(unfinished.stdout)")
        #expect(unfinished.stdout.contains("all 4 trials are recorded but its files were never finished"), "\(unfinished.stdout)")

        // Bad input keeps its own statuses, with a message naming the file, the field and the fix.
        try Data(#"{"staleness_factor": 5, "minimum_stalenes_seconds": 10}"#.utf8).write(to: directory.appendingPathComponent("typo.json"))
        let typo = try Optimize.run(["status", "run", "--rules", "typo.json"], in: directory)
        #expect(typo.status == 54, "\(typo.stderr)")
        #expect(typo.stderr.hasPrefix("error: typo.json: minimum_stalenes_seconds: is not a watcher rule. Fix: use only staleness_factor, minimum_staleness_seconds"),
                "\(typo.stderr)")
        #expect(typo.stdout.isEmpty)
        try Data(#"{"wait_confidence": 2}"#.utf8).write(to: directory.appendingPathComponent("range.json"))
        let range = try Optimize.run(["status", "run", "--rules", "range.json"], in: directory)
        #expect(range.status == 54)
        #expect(range.stderr.contains("range.json: wait_confidence: is 2, outside 0…1. Fix: give a confidence from 0 to 1"), "\(range.stderr)")
        try Data("{".utf8).write(to: directory.appendingPathComponent("broken.json"))
        #expect(try Optimize.run(["status", "run", "--rules", "broken.json"], in: directory).status == 54)
        let missing = try Optimize.run(["status", "run", "--rules", "nowhere.json"], in: directory)
        #expect(missing.status == 20 && missing.stderr.contains("nowhere.json"), "\(missing.stderr)")
        let notRun = try Optimize.run(["status", "."], in: directory)
        #expect(notRun.status == 51, "\(notRun.stderr)")
        #expect(try Optimize.run(["status", "no-such-run"], in: directory).status == 51)
    }

    @Test("a run stopped with SIGINT (exit 130) retries (3): stopped on request, with the resume command")
    func interrupted() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = try Optimize.start(searchArguments(out: "stopped", trials: 3, seeds: "0..<4194304"), in: directory)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
        // Signal once the first trial's sieve has journaled a chunk (its handler is installed by then).
        let chunks = directory.appendingPathComponent("stopped/trials/00000/chunks.journal")
        let started = Date()
        while ((try? Data(contentsOf: chunks))?.isEmpty ?? true) && process.isRunning && Date().timeIntervalSince(started) < 120 {
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let result = try Optimize.run(["status", "stopped"], in: directory)
        #expect(result.status == 3, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.hasPrefix("retry (confidence 0.90): stopped on request after 0 of 3 trials; continue it with `optimize resume stopped`"),
                "\(result.stdout)")
        #expect(result.stdout.contains("\n  run: optimize resume stopped\n"))
    }

    @Test("a live run waits (2); stopped (SIGSTOP) past its rules' staleness it escalates (4) with --rules, not without; killed it retries (3) with the resume command, which finishes it (0)")
    func liveHungKilled() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = try Optimize.start(searchArguments(out: "live", trials: 4, seeds: "0..<2097152"), in: directory)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
        // Once two trials are journaled (so there are trial times), freeze it: alive, holding its
        // lock, making no progress.
        let journal = directory.appendingPathComponent("live/trials.journal")
        let started = Date()
        func records() -> Int {
            (try? String(contentsOf: journal, encoding: .utf8))?.split(separator: "\n").count ?? 0
        }
        while records() < 2 && process.isRunning && Date().timeIntervalSince(started) < 300 { usleep(20_000) }
        try #require(process.isRunning, "the search finished before it could be stopped")
        kill(process.processIdentifier, SIGSTOP)

        let waiting = try Optimize.run(["status", "live", "--json"], in: directory)
        #expect(waiting.status == 2, "\(waiting.stdout) \(waiting.stderr)")
        let json = try object(waiting.stdout)
        #expect(json["action"] as? String == "wait")
        #expect((json["run"] as? [String: Any])?["owner"].flatMap { ($0 as? [String: Any])?["pid"] as? Int } == Int(process.processIdentifier))
        #expect(json["command"] is NSNull)

        // Rules that allow only 1 × the slowest recent trial: once that long has passed with no
        // change, the same run escalates; the defaults (3 minutes at least) still wait.
        try Data(#"{"minimum_staleness_seconds": 0, "staleness_factor": 1}"#.utf8).write(to: directory.appendingPathComponent("strict.json"))
        var strict = try Optimize.run(["status", "live", "--rules", "strict.json", "--json"], in: directory)
        let deadline = Date().addingTimeInterval(120)
        while strict.status == 2 && Date() < deadline {
            usleep(250_000)
            strict = try Optimize.run(["status", "live", "--rules", "strict.json", "--json"], in: directory)
        }
        #expect(strict.status == 4, "\(strict.stdout) \(strict.stderr)")
        let stale = try object(strict.stdout)
        #expect(stale["rule"] as? String == "stale")
        #expect((stale["reason"] as? String)?.contains("nothing changed for") == true)
        let facts = try #require(stale["run"] as? [String: Any])
        let quiet = try #require(facts["seconds_since_activity"] as? Double)
        let allowed = try #require(facts["stale_after_seconds"] as? Double)
        #expect(quiet > allowed && allowed > 0 && allowed < 180)
        #expect(try Optimize.run(["status", "live"], in: directory).status == 2)

        // Killed: the lock is released with the process; the run says it was running.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let before = contents(directory.appendingPathComponent("live"))
        let killed = try Optimize.run(["status", "live", "--json"], in: directory)
        #expect(killed.status == 3, "\(killed.stdout) \(killed.stderr)")
        let retry = try object(killed.stdout)
        #expect(retry["action"] as? String == "retry" && retry["rule"] as? String == "killed")
        #expect(retry["command"] as? String == "optimize resume live")
        #expect((retry["reason"] as? String)?.contains("`optimize resume live`") == true)
        #expect(retry["confidence"] as? Double == 0.8)
        #expect(contents(directory.appendingPathComponent("live")) == before)

        // The command it gives continues the run to the end, and then the verdict is a final one.
        let command = try #require(retry["command"] as? String).split(separator: " ").map(String.init)
        #expect(command.first == "optimize")
        let resumed = try Optimize.run(Array(command.dropFirst()), in: directory)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let final = try Optimize.run(["status", "live"], in: directory)
        #expect([0, 4].contains(final.status))
        #expect(final.stdout.contains("complete: 4 of 4 trials"), "\(final.stdout)")
    }
}
