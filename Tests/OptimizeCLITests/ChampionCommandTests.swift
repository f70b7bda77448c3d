import Foundation
import Testing

@Suite("optimize champion promote, rollback, show, and sieve --champion", .serialized)
struct ChampionCommandTests {
    /// The planted java_lcg history, bounds file and search of SearchCommandTests.
    let search = SearchCommandTests()

    /// A scratch directory with the history, the bounds and a finished 4-trial search in `run`.
    func setUpRun() throws -> URL {
        let directory = try search.setUp()
        let result = try Optimize.run(search.searchArguments(out: "run", trials: 4), in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        return directory
    }

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    func object(file url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    /// `summarize --json`'s best trial and the trials by state.
    func trials(_ directory: URL) throws -> (best: Int, complete: [Int]) {
        let summary = try object(try Optimize.run(["summarize", "run", "--json", "--top", "10"], in: directory).stdout)
        let best = try #require((summary["best"] as? [String: Any])?["trial"] as? Int)
        let top = try #require(summary["top"] as? [[String: Any]])
        return (best, top.compactMap { $0["trial"] as? Int })
    }

    @Test("search → promote (the best trial, then another: NAME.json.bak kept) → show → rollback twice → a rollback killed between its renames, shown and recovered → sieve --champion, recording champion.source")
    func promoteShowRollbackSieve() throws {
        let directory = try setUpRun()
        defer { try? FileManager.default.removeItem(at: directory) }
        let champions = directory.appendingPathComponent("champions")
        let file = champions.appendingPathComponent("default.json"), backup = champions.appendingPathComponent("default.json.bak")

        // No champion yet: the baseline, and it says so.
        let none = try Optimize.run(["champion", "show", "--json"], in: directory)
        #expect(none.status == 0, "\(none.stderr)")
        let baseline = try object(none.stdout)
        #expect(baseline["baseline"] as? Bool == true)
        #expect((baseline["champion"] as? [String: Any])?["source"] as? String == "baseline")
        #expect(baseline["record"] is NSNull)
        #expect((baseline["configuration"] as? [String: Any])?["window_size"] as? Int == 10)
        #expect(try Optimize.run(["champion", "show"], in: directory).stdout.contains("baseline (there is no champions/default.json)"))

        // Promote the run's best: the trial summarize calls best, with its provenance.
        let (best, complete) = try trials(directory)
        let promoted = try Optimize.run(["champion", "promote", "run"], in: directory)
        #expect(promoted.status == 0, "\(promoted.stderr)")
        #expect(promoted.stdout.hasPrefix("promoted trial \(best) of run as champion 'default': champions/default.json"), "\(promoted.stdout)")
        #expect(promoted.stdout.contains("replaced: nothing"))
        #expect(!exists(backup))
        let first = try object(file: file)
        let firstBytes = try Data(contentsOf: file)
        #expect(first["schema_version"] as? Int == 1 && first["name"] as? String == "default")
        let origin = try #require(first["origin"] as? [String: Any])
        let runFile = try object(file: directory.appendingPathComponent("run/run.json"))
        #expect(origin["trial"] as? Int == best && origin["run"] as? String == "run")
        #expect(origin["history_sha256"] as? String == (runFile["history"] as? [String: Any])?["sha256"] as? String)
        #expect(origin["family"] as? String == "java_lcg" && origin["seeds"] as? String == "0..<131072")
        #expect((origin["significance"] as? [String: Any])?["claims"] as? Bool == true)
        #expect(origin["tool_version"] as? String == (runFile["versions"] as? [String: Any])?["optimize"] as? String)
        #expect(origin.keys.contains("git_commit"))
        #expect(search.isOffsetTime(first["promoted_at"]))
        #expect((first["content_hash"] as? String)?.count == 64)
        let bestRecord = try object(file: directory.appendingPathComponent(String(format: "run/trials/%05d/trial.json", best)))
        let configuration = try #require(first["configuration"] as? [String: Any])
        let params = try #require(bestRecord["params"] as? [String: Any])
        for key in ["window_size", "offset", "skip_min", "skip_max", "burn"] {
            #expect(configuration[key] as? Int == params[key] as? Int, "\(key)")
        }
        #expect(configuration["forward_threshold"] as? Double == params["forward_threshold"] as? Double)
        #expect(configuration["prng"] as? String == "java_lcg" && configuration["modulus"] as? Int == 1000)

        // Promote another complete trial: the first becomes the backup, byte for byte.
        let other = try #require(complete.first { $0 != best })
        let second = try Optimize.run(["champion", "promote", "run", "--trial", "\(other)", "--json"], in: directory)
        #expect(second.status == 0, "\(second.stderr)")
        let report = try object(second.stdout)
        #expect((report["replaced"] as? [String: Any])?["content_hash"] as? String == first["content_hash"] as? String)
        #expect(report["backup"] as? String == "champions/default.json.bak")
        #expect(try Data(contentsOf: backup) == firstBytes)
        let secondBytes = try Data(contentsOf: file)
        let shown = try object(try Optimize.run(["champion", "show", "--json"], in: directory).stdout)
        #expect(((shown["record"] as? [String: Any])?["origin"] as? [String: Any])?["trial"] as? Int == other)
        #expect(shown["baseline"] as? Bool == false)

        // Rollback swaps the two; a second rollback undoes the first.
        let back = try Optimize.run(["champion", "rollback"], in: directory)
        #expect(back.status == 0, "\(back.stderr)")
        #expect(back.stdout.contains("trial \(best) of run"), "\(back.stdout)")
        #expect(try Data(contentsOf: file) == firstBytes && Data(contentsOf: backup) == secondBytes)
        #expect(try Optimize.run(["champion", "rollback"], in: directory).status == 0)
        #expect(try Data(contentsOf: file) == secondBytes && Data(contentsOf: backup) == firstBytes)
        #expect(try Optimize.run(["champion", "rollback"], in: directory).status == 0)
        #expect(try Data(contentsOf: file) == firstBytes)

        // A rollback killed between its renames: it parked default.json (first), renamed the backup
        // (second) over it, and died before renaming the parked file to the backup.
        let parked = champions.appendingPathComponent(".default.json.rollback.tmp-4242")
        try firstBytes.write(to: parked)
        try secondBytes.write(to: file)
        try FileManager.default.removeItem(at: backup)
        let seen = try Optimize.run(["champion", "show"], in: directory)
        #expect(seen.status == 0, "\(seen.stderr)")
        #expect(seen.stdout.contains("interrupted rollback: champions/.default.json.rollback.tmp-4242 was left by a rollback killed between its renames; there is no champions/default.json.bak"), "\(seen.stdout)")
        let seenJSON = try object(try Optimize.run(["champion", "show", "--json"], in: directory).stdout)
        #expect(seenJSON["interrupted_rollback"] as? [String] == ["champions/.default.json.rollback.tmp-4242"])
        // The next rollback completes the interrupted one (first becomes the backup), then swaps.
        let recovered = try Optimize.run(["champion", "rollback"], in: directory)
        #expect(recovered.status == 0, "\(recovered.stderr)")
        #expect(recovered.stderr.contains("champions/.default.json.rollback.tmp-4242 was left by a rollback killed between its renames; it is now champions/default.json.bak"), "\(recovered.stderr)")
        #expect(try Data(contentsOf: file) == firstBytes && Data(contentsOf: backup) == secondBytes)
        #expect(!exists(parked))
        #expect((try object(try Optimize.run(["champion", "show", "--json"], in: directory).stdout))["interrupted_rollback"] as? [String] == [])

        // Sieve with the champion (the best trial): its parameters, the planted seed, champion.source recorded.
        let sieve = try Optimize.run(["sieve", "--draws", "h.json", "--champion", "default", "--seeds", "0..<131072", "--out", "sw", "--json"],
                                     in: directory)
        #expect(sieve.status == 0, "\(sieve.stderr)")
        let result = try object(sieve.stdout)
        let recorded = try #require(result["champion"] as? [String: Any])
        #expect(recorded["source"] as? String == "champions/default.json")
        #expect(recorded["name"] as? String == "default")
        #expect(recorded["content_hash"] as? String == first["content_hash"] as? String)
        let parameters = try #require(result["parameters"] as? [String: Any])
        #expect(parameters["window"] as? Int == configuration["window_size"] as? Int)
        #expect(parameters["offset"] as? Int == configuration["offset"] as? Int)
        #expect(parameters["skip_min"] as? Int == configuration["skip_min"] as? Int)
        #expect(parameters["skip_max"] as? Int == configuration["skip_max"] as? Int)
        #expect(parameters["threshold"] as? String == (configuration["forward_threshold"] as? Double).map { "\($0)" })
        #expect(parameters["reverse_threshold"] as? String == (configuration["reverse_threshold"] as? Double).map { "\($0)" })
        #expect(((parameters["prng"] as? [String: Any])?["family"] as? String) == "java_lcg")
        let survivors = try #require(result["survivors"] as? [[String: Any]])
        #expect(survivors.contains { $0["seed"] as? Int == SearchCommandTests.plantedSeed })
        let manifest = try object(file: directory.appendingPathComponent("sw/sweep.json"))
        #expect((manifest["champion"] as? [String: Any])?["content_hash"] as? String == first["content_hash"] as? String)
        #expect((manifest["champion"] as? [String: Any])?["source"] as? String == "champions/default.json")
        let text = try Optimize.run(["sieve", "--draws", "h.json", "--champion", "default", "--seeds", "0..<131072", "--out", "sw"], in: directory)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("  champion: champions/default.json (default, SHA-256 "), "\(text.stdout)")
    }

    @Test("sieve --champion without a champion file sieves with the baseline and records champion.source baseline")
    func sieveWithBaseline() throws {
        let directory = try search.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Optimize.run(["sieve", "--draws", "h.json", "--champion", "nightly", "--champions", "elsewhere",
                                       "--seeds", "1..<4097", "--out", "sw", "--json"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let document = try object(result.stdout)
        let recorded = try #require(document["champion"] as? [String: Any])
        #expect(recorded["source"] as? String == "baseline" && recorded["name"] as? String == "nightly")
        #expect(recorded["content_hash"] is NSNull)
        let parameters = try #require(document["parameters"] as? [String: Any])
        #expect(parameters["window"] as? Int == 10 && parameters["offset"] as? Int == 0)
        #expect(parameters["skip_min"] as? Int == 0 && parameters["skip_max"] as? Int == 16)
        #expect(parameters["threshold"] as? String == "0.25" && parameters["reverse_threshold"] as? String == "0.25")
        #expect(parameters["burn"] as? Int == 0 && parameters["modulus"] as? Int == 1000)
        #expect(parameters["reference_mode"] as? Bool == true)
        #expect((parameters["prng"] as? [String: Any])?["family"] as? String == "xorshift32")
        let manifest = try object(file: directory.appendingPathComponent("sw/sweep.json"))
        #expect((manifest["champion"] as? [String: Any])?["source"] as? String == "baseline")
        #expect(!exists(directory.appendingPathComponent("elsewhere")), "loading wrote the champions directory")
    }

    @Test("refusals: pruned trial, run without a complete trial, unknown trial, bad names, not a run, no backup, a tampered file, window options with --champion, a resume with another champion")
    func refusals() throws {
        let directory = try setUpRun()
        defer { try? FileManager.default.removeItem(at: directory) }
        func run(_ arguments: [String]) throws -> CommandResult { try Optimize.run(arguments, in: directory) }

        // A run whose every trial is pruned (skip_min above skip_max but at 3...3).
        try Data(#"{"window_size": {"low": 4, "high": 16}, "offset": {"low": 16, "high": 100}, "skip_min": {"low": 3, "high": 60}, "skip_max": {"low": 0, "high": 3}}"#.utf8)
            .write(to: directory.appendingPathComponent("pruned.json"))
        var arguments = search.searchArguments(out: "pruned", trials: 3, seeds: "0..<65536")
        arguments[arguments.firstIndex(of: "bounds.json")!] = "pruned.json"
        #expect(try run(arguments).status == 0)
        let summary = try object(try run(["summarize", "pruned", "--json"]).stdout)
        #expect((summary["trials_by_state"] as? [String: Int])?["PRUNED"] == 3, "\(summary["trials_by_state"] ?? "")")
        let noComplete = try run(["champion", "promote", "pruned"])
        #expect(noComplete.status == 56 && noComplete.stderr.contains("has no complete trial"), "\(noComplete.stderr)")
        let prunedTrial = try run(["champion", "promote", "pruned", "--trial", "0"])
        #expect(prunedTrial.status == 56 && prunedTrial.stderr.contains("trial 0 of pruned is pruned"), "\(prunedTrial.stderr)")

        let unknown = try run(["champion", "promote", "run", "--trial", "4"])
        #expect(unknown.status == 33 && unknown.stderr.contains("has no record of trial 4"), "\(unknown.stderr)")
        for name in ["", "a/b", "..", ".hidden"] {
            let bad = try run(["champion", "promote", "run", "--name", name])
            #expect(bad.status == 13 && bad.stderr.contains("--name"), "\(name): \(bad.stderr)")
        }
        #expect(try run(["champion", "promote", "nowhere"]).status == 51)
        #expect(!exists(directory.appendingPathComponent("champions")), "a refused promotion wrote the champions directory")
        let noBackup = try run(["champion", "rollback"])
        #expect(noBackup.status == 57, "\(noBackup.stderr)")

        // A champion edited by hand: show and sieve refuse it (never the baseline), naming the field.
        #expect(try run(["champion", "promote", "run"]).status == 0)
        let file = directory.appendingPathComponent("champions/default.json")
        let original = try String(contentsOf: file, encoding: .utf8)
        try original.replacingOccurrences(of: "\"offset\": ", with: "\"offset\": 1").write(to: file, atomically: true, encoding: .utf8)
        let tampered = try run(["champion", "show"])
        #expect(tampered.status == 55 && tampered.stderr.contains("champions/default.json: content_hash"), "\(tampered.stderr)")
        let sieveTampered = try run(["sieve", "--draws", "h.json", "--champion", "default", "--seeds", "0..<4096", "--out", "t"])
        #expect(sieveTampered.status == 55, "\(sieveTampered.stderr)")
        #expect(!exists(directory.appendingPathComponent("t")))
        try original.write(to: file, atomically: true, encoding: .utf8)

        // Window options with --champion: a bad option, whichever is given; --window without one: usage.
        let base = ["sieve", "--draws", "h.json", "--champion", "default", "--seeds", "0..<4096", "--out", "sw"]
        for extra in [["--window", "8"], ["--prng", "java_lcg"], ["--threshold", "0.5"], ["--burn", "0"], ["--modulus", "1000"],
                      ["--sessions", "midday"], ["--reference-mode"], ["--skip", "1...2"]] {
            let conflict = try run(base + extra)
            #expect(conflict.status == 13 && conflict.stderr.contains("given with --champion default"), "\(extra): \(conflict.stderr)")
        }
        let missing = try run(["sieve", "--draws", "h.json", "--prng", "java_lcg", "--seeds", "0..<4096", "--out", "sw", "--threshold", "0.5"])
        #expect(missing.status == 64 && missing.stderr.contains("--window"), "\(missing.stderr)")
        #expect(!exists(directory.appendingPathComponent("sw")))

        // A sweep made with one champion is not resumed with another of the same configuration,
        // nor without a champion.
        #expect(try run(["champion", "promote", "run", "--name", "twin"]).status == 0)
        #expect(try run(base).status == 0)
        let other = try run(["sieve", "--draws", "h.json", "--champion", "twin", "--seeds", "0..<4096", "--out", "sw"])
        #expect(other.status == 40 && other.stderr.contains("champions/twin.json"), "\(other.stderr)")
        let champion = try object(file: file)
        let c = try #require(champion["configuration"] as? [String: Any])
        func number(_ key: String) -> String { "\(c[key] as? Int ?? -1)" }
        let explicit = try run(["sieve", "--draws", "h.json", "--prng", "java_lcg", "--window", number("window_size"),
                                "--offset", number("offset"), "--skip", "\(number("skip_min"))...\(number("skip_max"))",
                                "--threshold", "\(c["forward_threshold"] as? Double ?? -1)",
                                "--reverse-threshold", "\(c["reverse_threshold"] as? Double ?? -1)", "--seeds", "0..<4096", "--out", "sw"])
        #expect(explicit.status == 40 && explicit.stderr.contains("no champion"), "\(explicit.stderr)")
        // The same champion resumes (completes) it.
        #expect(try run(base).status == 0)

        // Shards made with one champion merge into a sweep that records it; with two champions they do not merge.
        let sharded = ["sieve", "--draws", "h.json", "--seeds", "0..<4096"]
        #expect(try run(sharded + ["--champion", "default", "--shard", "0/2", "--out", "s0"]).status == 0)
        #expect(try run(sharded + ["--champion", "default", "--shard", "1/2", "--out", "s1"]).status == 0)
        #expect(try run(sharded + ["--champion", "twin", "--shard", "1/2", "--out", "t1"]).status == 0)
        let merged = try run(["merge", "s0", "s1", "--out", "merged"])
        #expect(merged.status == 0, "\(merged.stderr)")
        let mergedManifest = try object(file: directory.appendingPathComponent("merged/sweep.json"))
        #expect((mergedManifest["champion"] as? [String: Any])?["source"] as? String == "champions/default.json")
        #expect(try run(["merge", "s0", "t1", "--out", "mixed"]).status == 40)
    }
}
