import Foundation
import Sieve
import Study
import Testing
@testable import WindowSearch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files a run keeps for the people and tools that watch it (docs/operations.md §1 and §3): the
/// reference's `optimal_window_config.json` and `bidirectional_survivors.json`, live; each trial's
/// `trial.json` and `trial.log`; what run.json says about the tool and the history.
@Suite("Live reference files and per-trial files", .serialized)
struct LiveFilesTests {
    static let bounds = """
        {"window_size": {"low": 4, "high": 16}, "offset": {"low": 16, "high": 100},
         "skip_min": {"low": 0, "high": 4}, "skip_max": {"low": 4, "high": 12}}
        """
    /// The seven parameters docs/operations.md §1 names, in best_params and at the top level.
    static let parameters = ["window_size", "offset", "skip_min", "skip_max", "forward_threshold", "reverse_threshold", "time_of_day"]

    /// A planted history in `directory`, and settings for `trials` trials of it.
    func setUp(_ directory: String, trials: Int) throws -> (SearchSettings, DrawHistory) {
        let historyPath = directory + "/h.json"
        try Fixture.writeHistory(try Fixture.partlyPlanted(count: 120, segment: 30..<100, family: .java_lcg, seed: 54_321,
                                                           skip: 2, noise: 0.1, randomSeed: 4), to: historyPath)
        let history = try DrawHistory.load(path: historyPath)
        let settings = try Fixture.settings(historyPath: historyPath, history: history, prng: "java_lcg",
                                            seeds: SeedRange(first: 0, last: (1 << 17) - 1), trials: trials, seed: 3,
                                            bounds: Self.bounds)
        return (settings, history)
    }

    func json(_ directory: String, _ name: String) throws -> JSONValue {
        try JSONReader.parse(Fixture.bytes(directory, name))
    }

    func inode(_ path: String) -> UInt64? {
        var info = stat()
        return lstat(path, &info) == 0 ? UInt64(info.st_ino) : nil
    }

    func isOffsetTime(_ text: String?) -> Bool {
        guard let text, let pattern = try? Regex(#"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}"#) else { return false }
        return (try? pattern.wholeMatch(in: text)) != nil
    }

    @Test("optimal_window_config.json is kept from the run's start and after every trial, with docs/operations.md §1's fields; the survivors are replaced only by a new best; no temporary file is left")
    func liveReferenceFiles() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (settings, history) = try setUp(directory, trials: 8)
        let runPath = directory + "/run"
        let run = try SearchRun.start(directory: runPath, settings: settings, history: history, resume: false)

        // Before any trial: the progress fields, null bests and the note.
        let first = try json(runPath, "optimal_window_config.json")
        #expect(first["status"]?.string == "in_progress")
        #expect(first["completed_trials"]?.integer == 0 && first["total_trials"]?.integer == 8)
        #expect(isOffsetTime(first["last_updated"]?.string), "\(first["last_updated"] ?? .null)")
        #expect(first["best_trial_number"] == .null && first["best_value"] == .null)
        #expect(first["note"]?.string == "No successful trials yet")
        #expect(try json(runPath, "bidirectional_survivors.json").array?.isEmpty == true)

        var previousBest: Int?
        var replaced = 0, kept = 0, bestWithSurvivors = 0
        var survivorsInode = inode(runPath + "/bidirectional_survivors.json")
        var survivorsBytes = Fixture.bytes(runPath, "bidirectional_survivors.json")
        _ = try run.run(observer: { event in
            guard case .trialFinished(let outcome, let best) = event else { return }
            let config = try? json(runPath, "optimal_window_config.json")
            let done = outcome.trial + 1
            #expect(config?["status"]?.string == (done == 8 ? "complete" : "in_progress"))
            #expect(config?["completed_trials"]?.integer == done && config?["total_trials"]?.integer == 8)
            #expect(isOffsetTime(config?["last_updated"]?.string))
            #expect(config?["last_trial_number"]?.integer == outcome.trial)
            #expect(config?["last_trial_value"]?.number == outcome.score)
            if let best {
                #expect(config?["best_trial_number"]?.integer == best.trial)
                #expect(config?["best_value"]?.number == best.score)
                #expect(config?["best_bidirectional_count"]?.integer == best.counts?.bidirectional)
                let params = config?["best_params"]
                for name in Self.parameters {
                    #expect(params?[name] != nil && params?[name] == config?[name], "\(name)")
                }
                #expect(params?["window_size"]?.integer == best.parameters.windowSize)
                #expect(params?["skip_max"]?.integer == best.parameters.skipMax)
                #expect(config?["note"] == nil)
            }
            // The survivors: the new best's, or untouched (the same file, not rewritten).
            let path = runPath + "/bidirectional_survivors.json"
            let survivors = try? JSONReader.parse(Fixture.bytes(runPath, "bidirectional_survivors.json")).array
            if best?.trial != previousBest, let best {
                replaced += 1
                #expect(survivors?.count == best.counts?.bidirectional)
                #expect(survivors?.allSatisfy { $0["trial_number"]?.integer == best.trial } == true)
                if (best.counts?.bidirectional ?? 0) > 0 { bestWithSurvivors += 1 }
            } else {
                kept += 1
                #expect(inode(path) == survivorsInode, "trial \(outcome.trial) replaced the survivors without a new best")
                #expect(Fixture.bytes(runPath, "bidirectional_survivors.json") == survivorsBytes)
            }
            previousBest = best?.trial
            survivorsInode = inode(path)
            survivorsBytes = Fixture.bytes(runPath, "bidirectional_survivors.json")
            // Written atomically: nothing of a temporary file is left beside them.
            let names = (try? FileManager.default.contentsOfDirectory(atPath: runPath)) ?? []
            #expect(!names.contains { FileIO.isTemporaryName($0) }, "\(names)")
        })
        #expect(replaced >= 1 && kept >= 1 && bestWithSurvivors >= 1, "replaced \(replaced), kept \(kept)")
        // best.json's last_updated is a time too; the trial number is last_trial_number.
        let best = try json(runPath, "best.json")
        #expect(isOffsetTime(best["last_updated"]?.string))
        #expect(best["last_trial_number"]?.integer == 7)
    }

    @Test("every trial directory holds trial.json (its journal record) and trial.log (its lines); run.json records the tool, its commit and the history")
    func perTrialFiles() throws {
        let directory = try Fixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (settings, history) = try setUp(directory, trials: 5)
        let runPath = directory + "/run"
        var run: SearchRun? = try SearchRun.start(directory: runPath, settings: settings, history: history, resume: false)
        _ = try run?.run()
        run = nil
        let records = try Journal.read(FilePath(runPath + "/trials.journal"), damage: .damagedOutputDirectory).records
        #expect(records.count == 5)
        for (trial, record) in records.enumerated() {
            let trialDirectory = "trials/" + String(format: "%05d", trial)
            #expect(try json(runPath, trialDirectory + "/trial.json") == record, "\(trialDirectory)/trial.json")
            let log = String(decoding: Fixture.bytes(runPath, trialDirectory + "/trial.log"), as: UTF8.self)
            let state = (record["state"]?.string ?? "").lowercased()
            #expect(log.contains("trial \(trial) starts: "), "\(trialDirectory)/trial.log: \(log)")
            #expect(log.contains("trial \(trial) \(state)"), "\(trialDirectory)/trial.log: \(log)")
            #expect(!log.contains("trial \(trial + 1) "), "\(trialDirectory)/trial.log holds another trial's lines")
        }
        let runFile = try json(runPath, "run.json")
        #expect(runFile["versions"]?["optimize"]?.string == OptimizeVersion.current)
        #expect(runFile["versions"]?["git_commit"] != nil, "run.json says nothing of the commit")
        #expect(runFile["history"]?["path"]?.string == settings.historyPath)
        #expect(runFile["history"]?["sha256"]?.string == history.checksum)
    }
}
