import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `optimize soak`: iterations, auto-tuning, resume after a kill, and the KPI gate's verdicts and
/// exit statuses, with the repository's own default_overrides.json and kpi_thresholds.json.
@Suite("optimize soak", .serialized)
struct SoakCommandTests {
    /// A scratch directory holding the repository's default_overrides.json and kpi_thresholds.json,
    /// and a metrics store of its own.
    func setUp() throws -> URL {
        let directory = try Optimize.scratchDirectory()
        for name in ["default_overrides.json", "kpi_thresholds.json"] {
            try FileManager.default.copyItem(at: Optimize.repository.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        return directory
    }

    /// A quick soak of W1 (and the trial workload when asked) on 65,536 seeds.
    func soak(_ directory: URL, out: String = "soak", iterations: Int = 3, extra: [String] = [], trial: Bool = false,
              metrics: String = "metrics", environment: [String: String] = [:]) throws -> CommandResult {
        try Optimize.run(["soak", "--iterations", "\(iterations)", "--quick", "--only", trial ? "W1,T-java" : "W1", "--seeds", "65536",
                          "--out", out, "--metrics-dir", metrics, "--backend", "cpu"] + extra, in: directory, environment: environment)
    }

    func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: try Data(contentsOf: url)) as? [String: Any])
    }

    func lines(_ url: URL) -> [String] {
        ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Thresholds like the repository's, with some values replaced.
    func thresholds(_ directory: URL, _ name: String, _ changes: [String: Any]) throws {
        var file = try json(Optimize.repository.appendingPathComponent("kpi_thresholds.json"))
        for (key, value) in changes {
            if key.hasPrefix("drivers.") {
                var drivers = file["drivers"] as! [String: Any]
                drivers[String(key.dropFirst(8))] = value
                file["drivers"] = drivers
            } else {
                file[key] = value
            }
        }
        try JSONSerialization.data(withJSONObject: file).write(to: directory.appendingPathComponent(name))
    }

    @Test("3 quick iterations: the watch lines, the files, the overrides seeded from default_overrides.json, one record per iteration")
    func threeIterations() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try soak(directory)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let out = result.stdout.split(separator: "\n").map(String.init)
        #expect(out.first == "| seed | overrides | default_overrides.json |", "\(out)")
        for iteration in 1...3 {
            #expect(out.contains { $0.hasPrefix("| iter_watch | SUMMARY | iter=\(iteration) ") && $0.hasSuffix(" |") && $0.contains("canary_recall=1") }, "\(out)")
            let summary = try json(directory.appendingPathComponent("soak/ITER_SUMMARY_\(iteration).json"))
            #expect(summary["iteration"] as? Int == iteration && summary["success"] as? Bool == true)
            // Without --auto-tune the overrides stay those of default_overrides.json.
            #expect((summary["overrides"] as? [String: Any])?["chunk_size"] as? Int == 262144)
        }
        #expect(out.filter { $0.hasPrefix("| iter_watch | SUGGEST | ") }.count == 3)
        #expect(out.filter { $0.hasPrefix("| iter_watch | RATIONALE | ") }.count == 3)
        // No earlier soak on this machine: throughput is not gated, a warning.
        #expect(out.contains("| kpi_gate | verdict=WARN |"), "\(out)")
        let gate = try json(directory.appendingPathComponent("soak/KPI_GATE.json"))
        #expect(gate["verdict"] as? String == "WARN")
        #expect((gate["thresholds"] as? [String: Any])?["max_noise_cv"] as? Double == 0.15)
        let samples = ((gate["throughput"] as? [[String: Any]])?.first?["samples"] as? [Double]) ?? []
        #expect(samples.count == 3)
        let report = try json(directory.appendingPathComponent("soak/TUNING_REPORT.json"))
        #expect((report["entries"] as? [[String: Any]])?.count == 3)
        #expect(lines(directory.appendingPathComponent("metrics/soak.W1/executions.jsonl")).count == 3)
        #expect(lines(directory.appendingPathComponent("metrics/soak/executions.jsonl")).count == 3)
    }

    @Test("--auto-tune applies the drivers' deltas to the next iteration; without it they are only suggested")
    func autoTune() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Any time spent writing chunks is over this limit: the per-chunk rule fires every iteration.
        // The other rules cannot fire (their limits are out of reach), so the deltas are the chunk's alone.
        try thresholds(directory, "strict.json", ["drivers.per_chunk_overhead_max": 0, "drivers.thread_scaling_min": 0,
                                                  "drivers.narrower_lane_gain_max": 1000, "drivers.memory_growth_max": 1000])
        let extra = ["--overrides", #"{"chunk_size": 1024}"#, "--thresholds", "strict.json"]
        let tuned = try soak(directory, out: "tuned", extra: extra + ["--auto-tune"], trial: true)
        #expect(tuned.status == 0, "\(tuned.stdout)\n\(tuned.stderr)")
        #expect(!tuned.stdout.contains("| seed |"), "overrides were given")
        #expect(tuned.stdout.contains(#"| iter_watch | SUGGEST | {"chunk_size":1024} |"#), "\(tuned.stdout)")
        #expect(tuned.stdout.contains("per_chunk_overhead="), "\(tuned.stdout)")
        let chunks = try (1...3).map { try json(directory.appendingPathComponent("tuned/ITER_SUMMARY_\($0).json"))["overrides"] as? [String: Any] }
            .map { $0?["chunk_size"] as? Int }
        #expect(chunks == [1024, 2048, 4096])
        // A store of its own: against the tuned soak's history its verdict could be anything.
        let plain = try soak(directory, out: "plain", extra: extra, trial: true, metrics: "metrics-plain")
        #expect(plain.status == 0, "\(plain.stderr)")
        let kept = try (1...3).map { try json(directory.appendingPathComponent("plain/ITER_SUMMARY_\($0).json"))["overrides"] as? [String: Any] }
            .map { $0?["chunk_size"] as? Int }
        #expect(kept == [1024, 1024, 1024])
        #expect(plain.stdout.contains(#"{"chunk_size":1024}"#))
    }

    @Test("a missed canary fails the gate: exit 1")
    func forcedFail() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try soak(directory, iterations: 1, environment: ["OPTIMIZE_SOAK_CANARY": "beyond-range"])
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("| kpi_gate | verdict=FAIL |"))
        #expect(result.stdout.contains("canary recall 0"), "\(result.stdout)")
        #expect(try json(directory.appendingPathComponent("soak/KPI_GATE.json"))["verdict"] as? String == "FAIL")
    }

    @Test("throughput below the history: FAIL when the samples are steady, INCONCLUSIVE (exit 3) when they are noisy")
    func throughputVerdicts() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A first soak makes the history: 2 iterations of W1 on this machine and CPU.
        #expect(try soak(directory, out: "first", iterations: 2).status == 0)
        // 100× the history is out of reach. Any variation counts as noise (max_noise_cv 0): inconclusive.
        try thresholds(directory, "noisy.json", ["min_throughput_ratio": [["workload": "default", "ratio": 100]], "min_history": 1, "max_noise_cv": 0])
        let noisy = try soak(directory, out: "noisy", iterations: 2, extra: ["--thresholds", "noisy.json"])
        #expect(noisy.status == 3, "\(noisy.stdout)\n\(noisy.stderr)")
        #expect(noisy.stdout.contains("| kpi_gate | verdict=INCONCLUSIVE |") && noisy.stdout.contains("run the soak again"), "\(noisy.stdout)")
        // No variation is noise (max_noise_cv 1000): the shortfall fails.
        try thresholds(directory, "steady.json", ["min_throughput_ratio": [["workload": "default", "ratio": 100]], "min_history": 1, "max_noise_cv": 1000])
        let steady = try soak(directory, out: "steady", iterations: 2, extra: ["--thresholds", "steady.json"])
        #expect(steady.status == 1, "\(steady.stdout)\n\(steady.stderr)")
        #expect(steady.stdout.contains("W1: median") && steady.stdout.contains("(minimum 100.00×)"), "\(steady.stdout)")
        let gate = try json(directory.appendingPathComponent("steady/KPI_GATE.json"))
        let history = ((gate["throughput"] as? [[String: Any]])?.first?["history"] as? [Double]) ?? []
        // The history is the other soaks' records (first's 2 and noisy's 2), not this soak's own.
        #expect(history.count == 4, "\(history)")
    }

    @Test("a soak killed mid-run resumes at its first unfinished iteration and counts no iteration twice")
    func resumesAfterKill() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = ["soak", "--iterations", "4", "--quick", "--only", "W1", "--seeds", "65536", "--out", "soak",
                         "--metrics-dir", "metrics", "--backend", "cpu"]
        let process = try Optimize.start(arguments, in: directory)
        let first = directory.appendingPathComponent("soak/ITER_SUMMARY_1.json")
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, !FileManager.default.fileExists(atPath: first.path), process.isRunning { Thread.sleep(forTimeInterval: 0.05) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let done = (1...4).filter { FileManager.default.fileExists(atPath: directory.appendingPathComponent("soak/ITER_SUMMARY_\($0).json").path) }
        #expect(!done.isEmpty && done.count < 4, "killed after \(done)")
        let resumed = try Optimize.run(arguments, in: directory)
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        #expect(resumed.stdout.contains("| resume | soak | \(done.count) of 4 iterations done |"), "\(resumed.stdout)")
        #expect(!resumed.stdout.contains("iter=1 ") || done.count == 0)
        for iteration in 1...4 {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("soak/ITER_SUMMARY_\(iteration).json").path))
        }
        let records = lines(directory.appendingPathComponent("metrics/soak.W1/executions.jsonl"))
        #expect(records.count == 4, "\(records.count) records")
        // Other options on the same directory are refused, and the soak is left as it was.
        let other = try Optimize.run(arguments.map { $0 == "4" ? "5" : $0 }, in: directory)
        #expect(other.status == 40, "\(other.stderr)")
        #expect(lines(directory.appendingPathComponent("metrics/soak.W1/executions.jsonl")).count == 4)
    }

    @Test("bad overrides and thresholds are refused by name before anything is written")
    func badInput() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = try soak(directory, extra: ["--overrides", #"{"thread": 2}"#])
        #expect(key.status == 13 && key.stderr.contains("--overrides: thread") && key.stderr.contains("is not a runtime override"), "\(key.stderr)")
        let value = try soak(directory, extra: ["--overrides", #"{"chunk_size": -5}"#])
        #expect(value.status == 13 && value.stderr.contains("chunk_size"), "\(value.stderr)")
        try Data(#"{"history_window": 10}"#.utf8).write(to: directory.appendingPathComponent("partial.json"))
        let partial = try soak(directory, extra: ["--thresholds", "partial.json"])
        #expect(partial.status == 13 && partial.stderr.contains("partial.json"), "\(partial.stderr)")
        try FileManager.default.removeItem(at: directory.appendingPathComponent("default_overrides.json"))
        let unseeded = try soak(directory)
        #expect(unseeded.status == 20 && unseeded.stderr.contains("default_overrides.json"), "\(unseeded.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("soak").path))
    }
}
