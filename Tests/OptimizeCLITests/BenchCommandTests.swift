import Foundation
import Testing

/// `optimize bench`'s trial workloads on the command line: selection, JSON, the history they read,
/// and the checks of --scaling and --seeds. Tiny seed counts: nothing here measures speed.
@Suite("bench: trial workloads")
struct BenchCommandTests {
    @Test("--only selects trial workloads in any case; --json reports each one's rates, projection and phases")
    func trialJSON() throws {
        let result = try Optimize.run(["bench", "--backend", "cpu", "--only", "t-pcg32,T-MINSTD", "--seeds", "4096", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((document["results"] as? [Any])?.isEmpty == true)
        let trials = try #require(document["trials"] as? [[String: Any]])
        #expect(trials.map { $0["workload"] as? String } == ["T-pcg32", "T-minstd"])
        for entry in trials {
            #expect(entry["seeds"] as? Int == 4096)
            let seconds = try #require(entry["seconds"] as? Double)
            #expect((entry["projected_seconds_for_2_32_seeds"] as? Double ?? 0) > seconds)
            let phases = try #require(entry["phases"] as? [String: [String: Double]])
            #expect(Set(phases.keys) == ["tables", "kernel", "calibration", "writing", "other"])
            let sum = phases.values.reduce(0) { $0 + ($1["share"] ?? 0) }
            #expect(abs(sum - 1) < 1e-6)
            #expect((phases["kernel"]?["seconds"] ?? 0) > 0)
        }
    }

    @Test("the text report has the trial table with a column per phase")
    func trialText() throws {
        let result = try Optimize.run(["bench", "--backend", "cpu", "--only", "T-lcg32", "--seeds", "4096"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("backend: cpu (requested") == true, "\(result.stdout)")
        let header = try #require(lines.first { $0.hasPrefix("workload") })
        for column in ["seeds/s", "hypotheses/s", "2^32 seeds", "tables", "kernel", "calibration", "writing", "other"] {
            #expect(header.contains(column), "\(column)")
        }
        #expect(lines.contains { $0.hasPrefix("T-lcg32") && $0.contains("lcg32") && $0.contains("~") })
    }

    @Test("--scaling runs each trial workload at 1 thread and at every core")
    func scaling() throws {
        let result = try Optimize.run(["bench", "--backend", "cpu", "--scaling", "--only", "T-minstd", "--seeds", "4096", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let scaling = try #require(document["scaling"] as? [[String: Any]])
        #expect(scaling.count == 1)
        let one = try #require(scaling.first?["one_thread"] as? [String: Any])
        let all = try #require(scaling.first?["all_threads"] as? [String: Any])
        #expect(one["threads"] as? Int == 1)
        #expect((all["threads"] as? Int ?? 0) >= 1)
        #expect((scaling.first?["ratio"] as? Double ?? 0) > 0)
    }

    @Test("--scaling with a standard workload, or more than 2^32 seeds for a trial, is refused (13)",
          arguments: [
            (["bench", "--scaling", "--only", "W2"], "--scaling: measures trial workloads only"),
            (["bench", "--only", "T-java", "--seeds", "2^33"], "--seeds: 8589934592 seeds for a trial workload"),
          ])
    func refused(_ arguments: [String], _ message: String) throws {
        let result = try Optimize.run(arguments + ["--backend", "cpu"])
        #expect(result.status == 13, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("--write-trial-history writes the daily3-like history and runs nothing")
    func writeHistory() throws {
        let directory = try Optimize.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Optimize.run(["bench", "--write-trial-history", "h.json"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let entries = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: directory.appendingPathComponent("h.json"))) as? [[String: Any]])
        #expect(entries.count == 18_000)
        #expect(entries.first?["date"] as? String == "2000-01-01" && entries.first?["session"] as? String == "midday")
    }
}
