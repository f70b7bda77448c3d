import Foundation
import Testing

/// Session names that look like the old joined-string choices (`all`, `a+b`) are names like any other.
@Suite("session names: all, a+b", .serialized)
struct SessionNameTests {
    static let names = ["all", "a+b", "midday"]

    /// 180 draws, sessions cycling all, a+b, midday (60 each).
    func setUp() throws -> URL {
        let directory = try Optimize.scratchDirectory()
        var state: UInt64 = 12345
        var entries: [String] = []
        for index in 0..<180 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            entries.append(#"{"draw": \#((state >> 33) % 1000), "session": "\#(Self.names[index % 3])"}"#)
        }
        try Data(("[" + entries.joined(separator: ",\n") + "]\n").utf8).write(to: directory.appendingPathComponent("h.json"))
        let bounds = """
            {"window_size": {"low": 4, "high": 10}, "offset": {"low": 10, "high": 40},
             "skip_min": {"low": 0, "high": 2}, "skip_max": {"low": 2, "high": 5}}
            """
        try Data(bounds.utf8).write(to: directory.appendingPathComponent("bounds.json"))
        return directory
    }

    func arguments(out: String, config: String = "bounds.json", trials: Int = 12) -> [String] {
        ["search", "--draws", "h.json", "--prng", "java_lcg", "--seeds", "0..<65536", "--trials", "\(trials)", "--seed", "3",
         "--out", out, "--config", config, "--chunk-size", "16384", "--chance-sample", "65536"]
    }

    /// The records of a run's trials.journal.
    func records(_ directory: URL, _ run: String) throws -> [[String: Any]] {
        let text = try String(contentsOf: directory.appendingPathComponent(run).appendingPathComponent("trials.journal"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let json = line.drop(while: { $0 != " " }).dropFirst()
            return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        }
    }

    @Test("a history with sessions named all and a+b is searched, each trial sieving exactly its sessions; resume, summarize, export read it")
    func sessionsNamedLikeChoices() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Optimize.run(arguments(out: "run"), in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let trials = try records(directory, "run")
        #expect(trials.count == 12)
        var seen: Set<String> = []
        for record in trials {
            let params = try #require(record["params"] as? [String: Any])
            guard let sieve = record["sieve"] as? [String: Any] else { continue }
            let draws = sieve["draws"] as? Int
            if params["sessions"] as? String == "all" {
                // All sessions: every draw, no filter.
                #expect(draws == 180, "\(params)")
                #expect(sieve["sessions"] == nil || sieve["sessions"] is NSNull, "\(sieve)")
                seen.insert("*")
            } else {
                // One session, whichever its name: its 60 draws, and exactly that name kept.
                let kept = try #require(sieve["sessions"] as? [String], "\(sieve)")
                #expect(kept.count == 1 && Self.names.contains(kept[0]), "\(kept)")
                #expect(draws == 60, "\(params) \(sieve)")
                seen.insert(kept[0])
            }
        }
        #expect(seen.count >= 3, "\(seen)")
        for command in [["resume", "run"], ["summarize", "run"], ["summarize", "run", "--json"], ["export", "run"]] {
            let other = try Optimize.run(command, in: directory)
            #expect(other.status == 0, "\(command): \(other.stderr)")
        }
        let best = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: directory.appendingPathComponent("run/best.json"))) as? [String: Any])
        let bestSessions = try #require(best["sessions"] as? [String])
        #expect(!bestSessions.isEmpty && bestSessions.allSatisfy(Self.names.contains))
    }

    @Test("a session named all next to midday (default choices every entry, [\"all\"], midday) runs, and summarize reads it")
    func sessionNamedAllNextToMidday() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Before: run.json written, then a crash building the space ("a choice is listed twice").
        let entries = (0..<120).map { #"{"draw": \#(($0 * 7919) % 1000), "session": "\#($0 % 2 == 0 ? "all" : "midday")"}"# }
        try Data(("[" + entries.joined(separator: ",") + "]").utf8).write(to: directory.appendingPathComponent("h.json"))
        let result = try Optimize.run(arguments(out: "run", trials: 6), in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        for record in try records(directory, "run") {
            guard let sieve = record["sieve"] as? [String: Any] else { continue }
            let all = (record["params"] as? [String: Any])?["sessions"] as? String == "all"
            #expect(sieve["draws"] as? Int == (all ? 120 : 60), "\(record)")
        }
        let summary = try Optimize.run(["summarize", "run"], in: directory)
        #expect(summary.status == 0, "\(summary.stderr)")
    }

    @Test("a session choice given as a list names sessions exactly; a refused search leaves no directory")
    func refusedSearchLeavesNothing() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let listed = #"{"window_size": {"low": 4, "high": 10}, "offset": {"low": 10, "high": 40}, "skip_min": 0, "skip_max": 3, "sessions": {"choices": [["a+b"], ["all", "midday"]]}}"#
        try Data(listed.utf8).write(to: directory.appendingPathComponent("listed.json"))
        let result = try Optimize.run(arguments(out: "listed", config: "listed.json", trials: 4), in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        for record in try records(directory, "listed") {
            guard let sieve = record["sieve"] as? [String: Any] else { continue }
            let kept = try #require(sieve["sessions"] as? [String])
            #expect(kept == ["a+b"] && sieve["draws"] as? Int == 60 || kept.sorted() == ["all", "midday"] && sieve["draws"] as? Int == 120,
                    "\(sieve)")
        }
        let bad = [
            #"{"sessions": {"choices": [["a", "b"]]}}"#,
            #"{"sessions": "evening"}"#,
            #"{"prng": {"choices": ["java_lcg", "nosuch"]}}"#,
            #"{"window_size": {"low": 4, "high": 500}}"#,
            #"{"skip_min": 20, "skip_max": 5}"#,
        ]
        for (index, text) in bad.enumerated() {
            try Data(text.utf8).write(to: directory.appendingPathComponent("bad\(index).json"))
            let refused = try Optimize.run(arguments(out: "refused\(index)", config: "bad\(index).json"), in: directory)
            #expect(refused.status != 0, "\(text)")
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("refused\(index)").path), "\(text): \(refused.stderr)")
        }
    }
}
