import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("optimize search, resume, summarize and export", .serialized)
struct SearchCommandTests {
    static let plantedSeed = 100_003

    /// A planted java_lcg history and a bounds file in a scratch directory.
    func setUp() throws -> URL {
        let directory = try Optimize.scratchDirectory()
        let result = try Optimize.run(
            ["generate", "--prng", "java_lcg", "--seed", "\(Self.plantedSeed)", "--count", "120", "--skip", "3",
             "--noise", "0.2", "--noise-seed", "5", "--out", "h.json"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let bounds = """
            {"window_size": {"low": 4, "high": 16}, "offset": {"low": 16, "high": 100},
             "skip_min": {"low": 0, "high": 3}, "skip_max": {"low": 3, "high": 10}}
            """
        try Data(bounds.utf8).write(to: directory.appendingPathComponent("bounds.json"))
        return directory
    }

    func searchArguments(out: String, trials: Int = 10, seeds: String = "0..<131072", extra: [String] = []) -> [String] {
        ["search", "--draws", "h.json", "--prng", "java_lcg", "--seeds", seeds, "--trials", "\(trials)", "--seed", "5",
         "--out", out, "--config", "bounds.json", "--chunk-size", "8192", "--chance-sample", "65536"] + extra
    }

    func file(_ directory: URL, _ run: String, _ name: String) -> Data {
        FileManager.default.contents(atPath: directory.appendingPathComponent(run).appendingPathComponent(name).path) ?? Data()
    }

    /// A JSON file's text with its time fields' values replaced: what must be identical after a
    /// kill and resume (README, "The run directory").
    func maskingTimes(_ data: Data) -> String {
        String(decoding: data, as: UTF8.self).replacing(
            #/"(?<key>last_updated|completed_at|timestamp_injected|run_id)": "[^"]*"/#, with: { "\"\($0.output.key)\": \"<time>\"" })
    }

    /// Whether `text` is an ISO-8601 time with a numeric offset (`2026-01-18T19:45:00.000+00:00`).
    func isOffsetTime(_ text: Any?) -> Bool {
        guard let text = text as? String else { return false }
        return (try? #/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}/#.wholeMatch(in: text)) != nil
    }

    func size(_ url: URL) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
    }

    @Test("prints the recovered seed, skip and window; best.json, summarize and export agree")
    func searchSummarizeExport() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Optimize.run(searchArguments(out: "run"), in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("recovered: seed \(Self.plantedSeed), skip 3"), "\(result.stdout)")
        #expect(result.stdout.contains("claims significance"))
        let best = try #require(try JSONSerialization.jsonObject(with: file(directory, "run", "best.json")) as? [String: Any])
        #expect(best["status"] as? String == "complete")
        #expect(best["completed_trials"] as? Int == 10 && best["total_trials"] as? Int == 10)
        #expect((best["recovered"] as? [String: Any])?["seed"] as? Int == Self.plantedSeed)
        #expect(isOffsetTime(best["last_updated"]), "\(best["last_updated"] ?? "none")")
        #expect(best["last_trial_number"] as? Int == 9)
        // The reference's files, kept live in the run directory.
        let live = try #require(try JSONSerialization.jsonObject(with: file(directory, "run", "optimal_window_config.json")) as? [String: Any])
        #expect(live["status"] as? String == "complete" && live["completed_trials"] as? Int == 10)
        #expect(isOffsetTime(live["last_updated"]))
        #expect(live["best_trial_number"] as? Int == best["best_trial_number"] as? Int)
        let liveSurvivors = try #require(try JSONSerialization.jsonObject(with: file(directory, "run", "bidirectional_survivors.json")) as? [[String: Any]])
        #expect(liveSurvivors.contains { $0["seed"] as? Int == Self.plantedSeed })
        #expect(liveSurvivors.count == best["bidirectional_count"] as? Int)
        let progress = try #require(try JSONSerialization.jsonObject(with: file(directory, "run", "progress.json")) as? [String: Any])
        #expect(progress["status"] as? String == "complete")
        #expect(progress["finished_trials"] as? Int == 10)
        #expect(progress["trials_per_hour"] is Double)
        #expect((progress["recent_scores"] as? [Any])?.count == 10)

        let summary = try Optimize.run(["summarize", "run", "--top", "3", "--json"], in: directory)
        #expect(summary.status == 0, "\(summary.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(summary.stdout.utf8)) as? [String: Any])
        let bestTrial = try #require(document["best"] as? [String: Any])
        #expect(bestTrial["trial"] as? Int == best["best_trial_number"] as? Int)
        let survivors = try #require(bestTrial["survivors"] as? [[String: Any]])
        #expect(survivors.contains { $0["seed"] as? Int == Self.plantedSeed && $0["skip"] as? Int == 3 })
        #expect(survivors.allSatisfy { Set($0.keys) == ["seed", "skip", "forward_matches", "reverse_matches"] })
        #expect((document["top"] as? [Any])?.count == 3)
        #expect((document["trials_by_state"] as? [String: Int])?.values.reduce(0, +) == 10)
        #expect(document["chance_vs_observed"] is [String: Any])
        let text = try Optimize.run(["summarize", "run"], in: directory)
        #expect(text.status == 0 && text.stdout.contains("recovered: seed \(Self.plantedSeed)"))

        let export = try Optimize.run(["export", "run", "--out", "exported"], in: directory)
        #expect(export.status == 0, "\(export.stderr)")
        for name in ["optimal_window_config.json", "bidirectional_survivors.json", "forward_survivors.json",
                     "reverse_survivors.json", "train_history.json", "holdout_history.json"] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("exported/\(name)").path), "\(name)")
        }
        let config = try #require(try JSONSerialization.jsonObject(with: file(directory, "exported", "optimal_window_config.json")) as? [String: Any])
        #expect(config["window_size"] as? Int == best["window_size"] as? Int)
        #expect(config["status"] as? String == "complete")
        #expect(config["agent_metadata"] is [String: Any])
        // One place makes the configuration: the export's is the live one, times aside.
        #expect(maskingTimes(file(directory, "exported", "optimal_window_config.json"))
            == maskingTimes(file(directory, "run", "optimal_window_config.json")))
    }

    @Test("summarize reports an unreadable trials/NNNNN/trial.json by name and counts it, in text and JSON")
    func summarizeReportsUnreadableTrialFile() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Optimize.run(searchArguments(out: "run", trials: 3, seeds: "0..<65536"), in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let damaged = directory.appendingPathComponent("run/trials/00001/trial.json")
        #expect(FileManager.default.fileExists(atPath: damaged.path), "the search wrote no trials/00001/trial.json")
        try Data("{\"trial\": 1, \"state\": ".utf8).write(to: damaged)
        let text = try Optimize.run(["summarize", "run"], in: directory)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stderr.contains("run/trials/00001/trial.json"), "\(text.stderr)")
        #expect(text.stdout.contains("1 unreadable trial file(s): trials/00001/trial.json"), "\(text.stdout)")
        let json = try Optimize.run(["summarize", "run", "--json"], in: directory)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let unreadable = try #require(document["unreadable_trial_files"] as? [[String: Any]])
        #expect(unreadable.count == 1 && unreadable.first?["place"] as? String == "trials/00001/trial.json")
        #expect(json.stderr.contains("run/trials/00001/trial.json"))
    }

    @Test("killed at random instants (SIGKILL, 20+ times, inside trials and between them), every resume ends identical")
    func killedAndResumed() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Trials long enough (2^20 seeds, 128 chunks each) that one run takes 20 kills and more;
        // random kills come within a tenth of an uninterrupted run's time.
        let seeds = "0..<1048576"
        let started = Date()
        let reference = try Optimize.run(searchArguments(out: "reference", trials: 12, seeds: seeds), in: directory)
        #expect(reference.status == 0, "\(reference.stderr)")
        let longest = UInt32(min(250_000, max(60_000, Date().timeIntervalSince(started) * 1e6 / 10)))
        let journal = directory.appendingPathComponent("killed/trials.journal")
        var random = SystemRandomNumberGenerator()
        var kills = 0, betweenTrials = 0, insideTrials = 0, restarts = 0
        var finished = false
        for attempt in 0..<300 {
            // Every resume is the same command, with --resume.
            let process = try Optimize.start(searchArguments(out: "killed", trials: 12, seeds: seeds, extra: ["--resume"]), in: directory)
            let recorded = size(journal)
            let afterRecord = attempt % 4 == 3
            if afterRecord {
                // Right after a trial's record lands: between the journal, the study and best.json.
                let deadline = Date().addingTimeInterval(5)
                while process.isRunning && size(journal) == recorded && Date() < deadline { usleep(200) }
            } else {
                usleep(UInt32.random(in: 20_000...longest, using: &random))
            }
            if process.isRunning {
                let grew = size(journal) > recorded
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                if process.terminationReason == .uncaughtSignal {
                    kills += 1
                    if afterRecord && grew { betweenTrials += 1 }
                    if partialTrial(directory.appendingPathComponent("killed")) { insideTrials += 1 }
                }
            } else {
                process.waitUntilExit()
            }
            if process.terminationReason == .exit {
                #expect(process.terminationStatus == 0)
                finished = true
                if kills >= 20 && betweenTrials >= 3 && insideTrials >= 5 { break }
                // Finished before enough kills: start again from nothing, counting afresh.
                try FileManager.default.removeItem(at: directory.appendingPathComponent("killed"))
                finished = false
                restarts += 1
                (kills, betweenTrials, insideTrials) = (0, 0, 0)
            }
        }
        if !finished {
            let last = try Optimize.run(searchArguments(out: "killed", trials: 12, seeds: seeds, extra: ["--resume"]), in: directory)
            #expect(last.status == 0, "\(last.stderr)")
        }
        print("search kill test: \(kills) kills, \(betweenTrials) right after a trial's record, \(insideTrials) inside a trial's sieve, \(restarts) restarts")
        #expect(kills >= 20)
        #expect(betweenTrials >= 3)
        #expect(insideTrials >= 5)
        #expect(file(directory, "killed", "trials.journal") == file(directory, "reference", "trials.journal"))
        // Identical but for their times (README, "The run directory").
        for name in ["best.json", "optimal_window_config.json", "bidirectional_survivors.json"] {
            #expect(!file(directory, "reference", name).isEmpty, "\(name)")
            #expect(maskingTimes(file(directory, "killed", name)) == maskingTimes(file(directory, "reference", name)), "\(name)")
        }
        for trial in 0..<12 {
            let trialDirectory = "trials/" + String(format: "%05d", trial)
            for name in ["survivors.bin", "chunks.journal", "summary.json", "trial.json"] {
                #expect(file(directory, "killed", trialDirectory + "/" + name) == file(directory, "reference", trialDirectory + "/" + name),
                        "\(trialDirectory)/\(name)")
            }
        }
        #expect(file(directory, "reference", "trials.journal").count > 1000)
    }

    /// Whether the run's latest trial directory holds a sweep with some chunks and no summary.
    func partialTrial(_ run: URL) -> Bool {
        let trials = run.appendingPathComponent("trials")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: trials.path), let last = names.max() else { return false }
        let sweep = trials.appendingPathComponent(last)
        return !FileManager.default.fileExists(atPath: sweep.appendingPathComponent("summary.json").path)
            && size(sweep.appendingPathComponent("chunks.journal")) > 0
    }

    @Test("SIGINT stops after the current chunk with status 130; `optimize resume` finishes the run")
    func interruptedAndResumed() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Trials of 2^22 seeds: the signal comes while the first ones run.
        let seeds = "0..<4194304"
        #expect(try Optimize.run(searchArguments(out: "reference", trials: 3, seeds: seeds), in: directory).status == 0)
        let process = try Optimize.start(searchArguments(out: "stopped", trials: 3, seeds: seeds), in: directory)
        // Signal once the first trial's sieve has journaled a chunk (its handler is installed by
        // then), however loaded the machine is.
        let started = Date()
        while !partialTrial(directory.appendingPathComponent("stopped")) && process.isRunning && Date().timeIntervalSince(started) < 120 {
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 130)
        let run = try #require(try JSONSerialization.jsonObject(with: file(directory, "stopped", "run.json")) as? [String: Any])
        #expect(run["status"] as? String == "interrupted")
        let progress = try #require(try JSONSerialization.jsonObject(with: file(directory, "stopped", "progress.json")) as? [String: Any])
        #expect(progress["status"] as? String == "interrupted")
        let resumed = try Optimize.run(["resume", "stopped"], in: directory)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("recovered: seed \(Self.plantedSeed), skip 3"))
        #expect(file(directory, "stopped", "trials.journal") == file(directory, "reference", "trials.journal"))
        for name in ["best.json", "optimal_window_config.json", "bidirectional_survivors.json"] + (0..<3).map({ "trials/0000\($0)/trial.json" }) {
            #expect(!file(directory, "reference", name).isEmpty, "\(name)")
            #expect(maskingTimes(file(directory, "stopped", name)) == maskingTimes(file(directory, "reference", name)), "\(name)")
        }
        let log = String(decoding: file(directory, "stopped", "search.log"), as: UTF8.self)
        #expect(log.contains("stopped on request"))
    }

    @Test("refusals: an existing run without --resume, other options, a missing run, bad bounds; each with its status")
    func refusals() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try Optimize.run(searchArguments(out: "run", trials: 1), in: directory).status == 0)
        let again = try Optimize.run(searchArguments(out: "run", trials: 1), in: directory)
        #expect(again.status == 52)
        #expect(again.stderr.contains("optimize resume run"))
        let other = try Optimize.run(searchArguments(out: "run", trials: 2, extra: ["--resume"]), in: directory)
        #expect(other.status == 40)
        #expect(other.stderr.contains("trials"))
        let same = try Optimize.run(searchArguments(out: "run", trials: 1, extra: ["--resume"]), in: directory)
        #expect(same.status == 0, "\(same.stderr)")

        let missing = try Optimize.run(["summarize", "nowhere"], in: directory)
        #expect(missing.status == 51)
        #expect(missing.stderr.contains("nowhere"))
        #expect(try Optimize.run(["resume", "nowhere"], in: directory).status == 51)
        #expect(try Optimize.run(["export", "nowhere"], in: directory).status == 51)

        try Data(#"{"skip_min": {"low": 12, "high": 20}, "skip_max": {"low": 3, "high": 10}}"#.utf8)
            .write(to: directory.appendingPathComponent("inverted.json"))
        let inverted = try Optimize.run(searchArguments(out: "bad1", trials: 1, extra: ["--config", "inverted.json"]), in: directory)
        // Bounds that allow no trial are bad bounds (50), naming the entry (README, "The window search").
        #expect(inverted.status == 50, "\(inverted.stderr)")
        #expect(inverted.stderr.contains("skip_min") && inverted.stderr.contains("no trial can run"), "\(inverted.stderr)")
        try Data(#"{"windows": 3}"#.utf8).write(to: directory.appendingPathComponent("unknown.json"))
        let unknown = try Optimize.run(searchArguments(out: "bad2", trials: 1, extra: ["--config", "unknown.json"]), in: directory)
        #expect(unknown.status == 50, "\(unknown.stderr)")
        #expect(unknown.stderr.contains("windows"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("bad1").path))
        let objective = try Optimize.run(searchArguments(out: "bad3", trials: 1, extra: ["--objective", "band"]), in: directory)
        #expect(objective.status == 13)
    }

    @Test("the count and band objectives run and are recorded")
    func otherObjectives() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let count = try Optimize.run(searchArguments(out: "count", trials: 3, extra: ["--objective", "count", "--json"]), in: directory)
        #expect(count.status == 0, "\(count.stderr)")
        let best = try #require(try JSONSerialization.jsonObject(with: Data(count.stdout.utf8)) as? [String: Any])
        #expect(best["objective"] as? String == "count")
        #expect(best["optimization_score"] as? Double == Double(best["bidirectional_count"] as? Int ?? -1))
        let band = try Optimize.run(searchArguments(out: "band", trials: 3, extra: ["--objective", "band", "--band", "1...5"]), in: directory)
        #expect(band.status == 0, "\(band.stderr)")
        let run = try #require(try JSONSerialization.jsonObject(with: file(directory, "band", "run.json")) as? [String: Any])
        #expect((run["objective"] as? [String: Any])?["band"] as? [Int] == [1, 5])
    }
}
