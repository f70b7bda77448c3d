import Foundation
import Testing

/// `optimize sieve --shard auto`: the shard from a Slurm job array's or a Kubernetes Indexed Job's
/// variables, `{shard}` in `--out`, and each refusal with its own status.
@Suite("optimize sieve --shard auto", .serialized)
struct ShardAutoTests {
    /// Every variable `--shard auto` reads, cleared: a test sets what it means, and a test run
    /// inside a real Slurm job or pod does not leak its own into the binary (empty counts as unset).
    static let cleared: [String: String] = Dictionary(uniqueKeysWithValues: [
        "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX",
        "SLURM_ARRAY_TASK_STEP", "JOB_COMPLETION_INDEX",
    ].map { ($0, "") })

    /// A Slurm array task's variables, as `sbatch --array=min-max[:step]` sets them.
    static func slurm(id: Int, min: Int, count: Int, step: Int = 1) -> [String: String] {
        cleared.merging(["SLURM_ARRAY_TASK_ID": "\(id)", "SLURM_ARRAY_TASK_MIN": "\(min)", "SLURM_ARRAY_TASK_COUNT": "\(count)",
                         "SLURM_ARRAY_TASK_MAX": "\(min + (count - 1) * step)", "SLURM_ARRAY_TASK_STEP": "\(step)"]) { $1 }
    }

    /// A planted java_lcg history (seed 777777, skip 3, burn 11) in a scratch directory: the sieve tests' own.
    func plantedHistory() throws -> URL {
        try SieveCommandTests().plantedHistory()
    }

    /// A sieve loose enough to write chance survivors in every shard.
    func sieve(out: String, seeds: String = "0..<3000000", extra: [String] = []) -> [String] {
        ["sieve", "--draws", "h.json", "--prng", "java_lcg", "--window", "10", "--offset", "30", "--reverse-window", "10",
         "--skip", "0...6", "--min-matches", "3", "--reverse-min-matches", "2", "--burn", "11", "--seeds", seeds,
         "--out", out] + extra
    }

    func contents(_ directory: URL, _ path: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(path))
    }

    /// The shard recorded in a sweep's sweep.json.
    func recordedShard(_ directory: URL, _ sweep: String) throws -> (index: Int, count: Int)? {
        let manifest = try #require(try JSONSerialization.jsonObject(with: contents(directory, "\(sweep)/sweep.json")) as? [String: Any])
        let identity = manifest["identity"] as? [String: Any] ?? manifest
        guard let shard = identity["shard"] as? [String: Any], let index = shard["index"] as? Int, let count = shard["count"] as? Int else {
            return nil
        }
        return (index, count)
    }

    @Test("a Slurm array from task 1 (SLURM_ARRAY_TASK_MIN=1): task i sweeps shard i − 1 into shard-{shard}; the merge is the unsharded sweep; a rerun task resumes its own directory")
    func slurmArrayFromOne() throws {
        let directory = try plantedHistory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = try Optimize.run(sieve(out: "whole"), in: directory, environment: Self.cleared)
        #expect(whole.status == 0, "\(whole.stderr)")
        // As Examples/slurm/sieve-array.sbatch does: sieve creates --out, not its parents.
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("sweep"), withIntermediateDirectories: true)
        for id in 1...4 {
            let task = try Optimize.run(sieve(out: "sweep/shard-{shard}", extra: ["--shard", "auto"]), in: directory,
                                        environment: Self.slurm(id: id, min: 1, count: 4))
            #expect(task.status == 0, "\(task.stderr)")
            #expect(task.stderr.contains("sieve: shard \(id - 1)/4 from SLURM_ARRAY_TASK_ID=\(id) (SLURM_ARRAY_TASK_MIN=1)"), "\(task.stderr)")
            let shard = try #require(try recordedShard(directory, "sweep/shard-\(id - 1)"))
            #expect(shard == (id - 1, 4))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("sweep/shard-4").path))
        let merged = try Optimize.run(["merge", "--out", "merged"] + (0..<4).map { "sweep/shard-\($0)" }, in: directory,
                                      environment: Self.cleared)
        #expect(merged.status == 0, "\(merged.stderr)")
        for name in ["survivors.bin", "summary.json"] {
            #expect(try contents(directory, "merged/\(name)") == contents(directory, "whole/\(name)"), "\(name)")
        }
        #expect(try contents(directory, "whole/survivors.bin").count > 0, "no survivors: the comparison would be empty")

        // A requeued task: the same variables, the same directory, found complete and left as it was.
        let files = ["sweep.json", "chunks.journal", "survivors.bin", "summary.json"]
        let before = try files.map { try contents(directory, "sweep/shard-2/\($0)") }
        let rerun = try Optimize.run(sieve(out: "sweep/shard-{shard}", extra: ["--shard", "auto"]), in: directory,
                                     environment: Self.slurm(id: 3, min: 1, count: 4))
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try files.map { try contents(directory, "sweep/shard-2/\($0)") } == before)
    }

    @Test("a stepped Slurm array (--array=10-16:2) and a Kubernetes Indexed Job give shard indices 0 … n − 1",
          arguments: [
            (ShardAutoTests.slurm(id: 14, min: 10, count: 4, step: 2), [String](), 2, "SLURM_ARRAY_TASK_ID=14 (SLURM_ARRAY_TASK_MIN=10, SLURM_ARRAY_TASK_STEP=2)"),
            (ShardAutoTests.slurm(id: 16, min: 10, count: 4, step: 2), ["--shard-count", "4"], 3, "SLURM_ARRAY_TASK_ID=16"),
            (ShardAutoTests.slurm(id: 0, min: 0, count: 4), [], 0, "SLURM_ARRAY_TASK_ID=0"),
            (ShardAutoTests.cleared.merging(["JOB_COMPLETION_INDEX": "3"]) { $1 }, ["--shard-count", "4"], 3, "JOB_COMPLETION_INDEX=3"),
            (ShardAutoTests.cleared.merging(["JOB_COMPLETION_INDEX": "0"]) { $1 }, ["--shard-count", "4"], 0, "JOB_COMPLETION_INDEX=0"),
          ])
    func schedulerIndices(environment: [String: String], extra: [String], index: Int, origin: String) throws {
        let directory = try plantedHistory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Optimize.run(sieve(out: "shard-{shard}", seeds: "0..<400000", extra: ["--shard", "auto"] + extra),
                                      in: directory, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("sieve: shard \(index)/4 from \(origin)"), "\(result.stderr)")
        let shard = try #require(try recordedShard(directory, "shard-\(index)"))
        #expect(shard == (index, 4))
        // The same shard as --shard i/n writes: the same seeds and survivors.
        let explicit = try Optimize.run(sieve(out: "explicit", seeds: "0..<400000", extra: ["--shard", "\(index)/4"]),
                                        in: directory, environment: Self.cleared)
        #expect(explicit.status == 0, "\(explicit.stderr)")
        #expect(try contents(directory, "explicit/survivors.bin") == contents(directory, "shard-\(index)/survivors.bin"))
        #expect(try contents(directory, "explicit/summary.json") == contents(directory, "shard-\(index)/summary.json"))
    }

    @Test("refusals: each names the variable or option, has its own status, and writes nothing",
          arguments: [
            // Both schedulers at once: 63.
            (ShardAutoTests.slurm(id: 1, min: 0, count: 4).merging(["JOB_COMPLETION_INDEX": "1"]) { $1 }, [String](), Int32(63),
             "SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX"),
            // Missing: no scheduler, a Slurm index without its count or first ID, a Kubernetes index without --shard-count: 65.
            (ShardAutoTests.cleared, [], 65, "--shard auto: neither SLURM_ARRAY_TASK_ID"),
            (ShardAutoTests.cleared.merging(["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "0"]) { $1 }, [], 65, "SLURM_ARRAY_TASK_COUNT: is not set"),
            (ShardAutoTests.cleared.merging(["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4"]) { $1 }, [], 65, "SLURM_ARRAY_TASK_MIN: is not set"),
            (ShardAutoTests.cleared.merging(["JOB_COMPLETION_INDEX": "2"]) { $1 }, [], 65, "--shard-count: not given"),
            // Out of range: 66.
            (ShardAutoTests.slurm(id: 5, min: 1, count: 4).merging(["SLURM_ARRAY_TASK_MAX": ""]) { $1 }, [], 66, "SLURM_ARRAY_TASK_ID: 5 is not one of the 4 task IDs"),
            (ShardAutoTests.slurm(id: 0, min: 1, count: 4), [], 66, "SLURM_ARRAY_TASK_ID: 0 is not one of"),
            (ShardAutoTests.slurm(id: 3, min: 0, count: 4, step: 2), [], 66, "SLURM_ARRAY_TASK_ID: 3 is not one of"),
            (ShardAutoTests.cleared.merging(["JOB_COMPLETION_INDEX": "4"]) { $1 }, ["--shard-count", "4"], 66, "JOB_COMPLETION_INDEX: 4 is not below --shard-count 4"),
            // Inconsistent: an irregular array (--array=1,3,7), a count that disagrees with --shard-count: 66.
            (ShardAutoTests.cleared.merging(["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "7",
                                              "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_STEP": "1"]) { $1 }, [], 66, "SLURM_ARRAY_TASK_MAX: 7 is not"),
            (ShardAutoTests.slurm(id: 1, min: 0, count: 4), ["--shard-count", "3"], 66, "SLURM_ARRAY_TASK_COUNT: 4 tasks, but --shard-count 3"),
            // Not numbers: 66.
            (ShardAutoTests.slurm(id: 1, min: 0, count: 4).merging(["SLURM_ARRAY_TASK_ID": "1a"]) { $1 }, [], 66, "SLURM_ARRAY_TASK_ID: '1a' is not a whole number"),
            (ShardAutoTests.slurm(id: 1, min: 0, count: 4).merging(["SLURM_ARRAY_TASK_COUNT": "0"]) { $1 }, [], 66, "SLURM_ARRAY_TASK_COUNT: '0' is not a whole number of at least 1"),
            (ShardAutoTests.slurm(id: 1, min: 0, count: 4).merging(["SLURM_ARRAY_TASK_MIN": " 0"]) { $1 }, [], 66, "SLURM_ARRAY_TASK_MIN: ' 0' is not"),
            (ShardAutoTests.cleared.merging(["JOB_COMPLETION_INDEX": "-1"]) { $1 }, ["--shard-count", "4"], 66, "JOB_COMPLETION_INDEX: '-1' is not a whole number"),
            (ShardAutoTests.cleared.merging(["JOB_COMPLETION_INDEX": "two"]) { $1 }, ["--shard-count", "4"], 66, "JOB_COMPLETION_INDEX: 'two' is not"),
          ])
    func refusals(environment: [String: String], extra: [String], status: Int32, message: String) throws {
        let directory = try plantedHistory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Optimize.run(sieve(out: "shard-{shard}", seeds: "0..<400000", extra: ["--shard", "auto"] + extra),
                                      in: directory, environment: environment)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains("error: \(message)"), "\(result.stderr)")
        #expect(result.stderr.contains("Fix: "), "\(result.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("shard-") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test("--shard-count needs --shard auto, and {shard} in --out needs a shard (13); {shard} works with --shard i/n")
    func optionMistakes() throws {
        let directory = try plantedHistory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (extra, message) in [(["--shard", "1/4", "--shard-count", "4"], "--shard-count: given without --shard auto"),
                                 (["--shard-count", "4"], "--shard-count: given without --shard auto"),
                                 (["--shard", "auto", "--shard-count", "x"], "--shard-count: 'x' is not a number of shards"),
                                 ([], "--out: 'part-{shard}' holds {shard}, but no --shard is given")] {
            let result = try Optimize.run(sieve(out: "part-{shard}", seeds: "0..<400000", extra: extra), in: directory,
                                          environment: Self.slurm(id: 1, min: 0, count: 4))
            #expect(result.status == 13, "\(extra): \(result.stderr)")
            #expect(result.stderr.contains("error: \(message)"), "\(extra): \(result.stderr)")
        }
        let explicit = try Optimize.run(sieve(out: "part-{shard}", seeds: "0..<400000", extra: ["--shard", "1/4"]), in: directory,
                                        environment: Self.cleared)
        #expect(explicit.status == 0, "\(explicit.stderr)")
        let shard = try #require(try recordedShard(directory, "part-1"))
        #expect(shard == (1, 4))
    }
}
