import Foundation
import Testing

/// `optimize metrics` and the records `sieve`, `search` and `bench` append, through the built binary.
/// Every test points the store at a scratch folder (--metrics-dir or OPTIMIZE_METRICS_DIR), but for
/// the one that checks the default place, which runs in a scratch directory.
@Suite("metrics: the store on the command line")
struct MetricsCommandTests {
    let search = SearchCommandTests()

    func lines(_ path: URL) -> [String] {
        ((try? String(contentsOf: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func keys(_ path: URL) throws -> [String] {
        try lines(path).map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try #require(object["idempotency_key"] as? String)
        }
    }

    @Test("two processes appending at once, the same keys and others: nothing lost, nothing twice, no damaged line")
    func concurrentProcesses() throws {
        let directory = try Optimize.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("metrics")
        let environment = ["OPTIMIZE_METRICS_DIR": store.path]
        // Two writers of the keys same-1 … same-150 (each key's check and append race unless locked),
        // and one of other-1 … other-150.
        let writers = try [("same", 150), ("same", 150), ("other", 150)].map { key, count in
            try Optimize.start(["metrics", "record", "stress", "--key", key, "--repeat", "\(count)", "--time", "0.5"],
                               in: directory, environment: environment)
        }
        for writer in writers { writer.waitUntilExit() }
        #expect(writers.map(\.terminationStatus) == [0, 0, 0])
        let recorded = try keys(store.appendingPathComponent("stress/executions.jsonl"))
        #expect(recorded.count == 300)
        #expect(Set(recorded) == Set((1...150).flatMap { ["same-\($0)", "other-\($0)"] }))
        let summary = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: store.appendingPathComponent("stress/summary.json"))) as? [String: Any])
        #expect(summary["execution_count"] as? Int == 300)
        let shown = try Optimize.run(["metrics", "show", "stress", "--last", "1"], environment: environment)
        #expect(shown.status == 0 && shown.stderr.isEmpty, "\(shown.stderr)")
        #expect(shown.stdout.hasPrefix("stress: 300 executions, success 100.0%"), "\(shown.stdout)")
    }

    @Test("sieve records one execution per sweep: again on the complete sweep nothing, --no-metrics nothing; by default under .optimize/metrics of the current directory")
    func sieveRecords() throws {
        let directory = try search.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sieve = ["sieve", "--draws", "h.json", "--prng", "java_lcg", "--window", "10", "--offset", "30", "--skip", "0...3",
                     "--min-matches", "4", "--seeds", "0..<65536", "--backend", "cpu"]
        // The default place: OPTIMIZE_METRICS_DIR empty counts as unset.
        let unset = ["OPTIMIZE_METRICS_DIR": ""]
        #expect(try Optimize.run(sieve + ["--out", "a"], in: directory, environment: unset).status == 0)
        let file = directory.appendingPathComponent(".optimize/metrics/sieve/executions.jsonl")
        #expect(lines(file).count == 1)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(lines(file)[0].utf8)) as? [String: Any])
        #expect(record["agent"] as? String == "sieve" && record["success"] as? Bool == true)
        #expect(record["workload"] as? String == "java_lcg" && record["backend"] as? String == "cpu")
        #expect(record["quality_score"] is NSNull)
        #expect((record["execution_time_s"] as? Double ?? -1) >= 0)
        #expect(((record["details"] as? [String: Any])?["seeds_this_run"] as? Int) == 65536)

        let again = try Optimize.run(sieve + ["--out", "a"], in: directory, environment: unset)
        #expect(again.status == 0 && !again.stderr.contains("warning"), "\(again.stderr)")
        #expect(lines(file).count == 1)
        #expect(try Optimize.run(sieve + ["--out", "b", "--no-metrics"], in: directory, environment: unset).status == 0)
        #expect(lines(file).count == 1)
        #expect(try Optimize.run(sieve + ["--out", "c"], in: directory, environment: unset).status == 0)
        #expect(lines(file).count == 2)
        // --metrics-dir wins over the variable.
        let elsewhere = directory.appendingPathComponent("elsewhere")
        #expect(try Optimize.run(sieve + ["--out", "d", "--metrics-dir", elsewhere.path], in: directory).status == 0)
        #expect(lines(elsewhere.appendingPathComponent("sieve/executions.jsonl")).count == 1)
        #expect(lines(file).count == 2)
    }

    @Test("a store that cannot be written is a warning: the command succeeds")
    func failureToRecordWarns() throws {
        let directory = try search.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let blocker = directory.appendingPathComponent("not-a-folder")
        _ = FileManager.default.createFile(atPath: blocker.path, contents: Data("x".utf8))
        let result = try Optimize.run(["sieve", "--draws", "h.json", "--prng", "java_lcg", "--window", "10", "--offset", "30",
                                       "--skip", "0...3", "--min-matches", "4", "--seeds", "0..<4096", "--backend", "cpu",
                                       "--out", "a"], in: directory, environment: ["OPTIMIZE_METRICS_DIR": blocker.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: the execution was not recorded in the metrics store: \(blocker.path)"), "\(result.stderr)")
        #expect(result.stdout.contains("survivors"), "\(result.stdout)")
    }

    @Test("search records its best score; bench one record per workload, keyed by run, iteration and workload")
    func searchAndBench() throws {
        let directory = try search.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("m")
        let environment = ["OPTIMIZE_METRICS_DIR": store.path]
        let run = try Optimize.run(search.searchArguments(out: "run", trials: 2, seeds: "0..<16384"), in: directory, environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        let searchLines = lines(store.appendingPathComponent("search/executions.jsonl"))
        #expect(searchLines.count == 1)
        let record = try #require(try JSONSerialization.jsonObject(with: Data((searchLines.first ?? "").utf8)) as? [String: Any])
        #expect(record["quality_score"] is Double && record["success"] as? Bool == true)
        #expect((record["idempotency_key"] as? String)?.hasPrefix("search/") == true)

        let bench = ["bench", "--backend", "cpu", "--only", "W1,T-minstd", "--seeds", "4096", "--run-id", "soak-7"]
        for iteration in ["1", "1", "2"] {
            let result = try Optimize.run(bench + ["--iteration", iteration], in: directory, environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(try keys(store.appendingPathComponent("bench.W1/executions.jsonl")) == ["bench/soak-7/1/W1", "bench/soak-7/2/W1"])
        #expect(try keys(store.appendingPathComponent("bench.T-minstd/executions.jsonl")) == ["bench/soak-7/1/T-minstd", "bench/soak-7/2/T-minstd"])
        let list = try Optimize.run(["metrics", "list"], environment: environment)
        #expect(list.status == 0)
        #expect(list.stdout.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
                == ["agent", "bench.T-minstd", "bench.W1", "search"], "\(list.stdout)")
    }

    @Test("summary --markdown is the Performance Summary table with the trends' arrows")
    func markdown() throws {
        let directory = try Optimize.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["OPTIMIZE_METRICS_DIR": directory.path]
        // Quality 10 ×5 then 20 ×5 (up, SE 0); time 1 ×10 (stable); all successes (stable).
        for (index, quality) in (Array(repeating: 10, count: 5) + Array(repeating: 20, count: 5)).enumerated() {
            let result = try Optimize.run(["metrics", "record", "bench.W3", "--quality", "\(quality)", "--time", "1", "--key", "k\(index)"],
                                          environment: environment)
            #expect(result.stdout == "recorded k\(index)\n", "\(result.stderr)")
        }
        #expect(try Optimize.run(["metrics", "record", "bench.W3", "--key", "k0"], environment: environment).stdout == "already recorded k0\n")
        _ = try Optimize.run(["metrics", "record", "sieve", "--no-success", "--time", "2"], environment: environment)
        let result = try Optimize.run(["metrics", "summary", "--markdown"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "## Performance Summary")
        #expect(lines[2] == "| Agent | Executions | Success rate | Avg quality | Avg time (s) | Last execution | Success | Quality | Time |")
        let w3 = try #require(lines.first { $0.hasPrefix("| bench.W3 |") })
        #expect(w3.hasPrefix("| bench.W3 | 10 | 100.0% | 15 | 1 | "), "\(w3)")
        #expect(w3.hasSuffix(" | → stable | ↑ up | → stable |"), "\(w3)")
        let sieve = try #require(lines.first { $0.hasPrefix("| sieve |") })
        #expect(sieve.hasPrefix("| sieve | 1 | 0.0% | – | 2 | ") && sieve.hasSuffix(" | ? unknown | ? unknown | ? unknown |"), "\(sieve)")
        let json = try Optimize.run(["metrics", "summary", "--json"], environment: environment)
        let summaries = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(summaries.map { $0["agent"] as? String } == ["bench.W3", "sieve"])
    }

    @Test("bad input: an unknown agent (61), a bad --days (62), a damaged line is a warning, prune --days drops old records")
    func badInputAndPrune() throws {
        let directory = try Optimize.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["OPTIMIZE_METRICS_DIR": directory.path]
        #expect(try Optimize.run(["metrics", "record", "sieve", "--key", "a"], environment: environment).status == 0)
        let unknown = try Optimize.run(["metrics", "show", "bench.W9"], environment: environment)
        #expect(unknown.status == 61)
        #expect(unknown.stderr.hasPrefix("error: bench.W9: no agent of that name has records in \(directory.path). Fix: name one of sieve."),
                "\(unknown.stderr)")
        #expect(try Optimize.run(["metrics", "show", "../x"], environment: environment).status == 61)
        for days in ["0", "abc", "-3"] {
            let bad = try Optimize.run(["metrics", "prune", "--days", days], environment: environment)
            #expect(bad.status == 62, "\(days): \(bad.stderr)")
            #expect(bad.stderr.hasPrefix("error: --days: '\(days)' is not a number of days from 1 to 36500."), "\(bad.stderr)")
        }
        let badVariable = try Optimize.run(["metrics", "list"], environment: environment.merging(["OPTIMIZE_METRICS_RETENTION_DAYS": "x"]) { $1 })
        #expect(badVariable.status == 62)

        // A record of 400 days ago, a damaged line, and the record of now.
        let file = directory.appendingPathComponent("sieve/executions.jsonl")
        let now = lines(file)[0]
        let old = now.replacingOccurrences(of: #""timestamp":"20"#, with: #""timestamp":"19"#).replacingOccurrences(of: #""a""#, with: #""old""#)
        try (old + "\n" + "garbage\n" + now + "\n").write(to: file, atomically: false, encoding: .utf8)
        let shown = try Optimize.run(["metrics", "show", "sieve"], environment: environment)
        #expect(shown.status == 0)
        #expect(shown.stderr.hasPrefix("warning: \(file.path): line 2: not JSON"), "\(shown.stderr)")
        #expect(shown.stderr.hasSuffix("; the line is skipped\n"), "\(shown.stderr)")
        #expect(shown.stdout.hasPrefix("sieve: 2 executions"), "\(shown.stdout)")
        let pruned = try Optimize.run(["metrics", "prune", "--days", "30"], environment: environment)
        #expect(pruned.status == 0, "\(pruned.stderr)")
        #expect(pruned.stdout == "sieve: dropped 1 record older than 30 days, kept 1\n", "\(pruned.stdout)")
        #expect(lines(file).count == 2 && lines(file)[0] == "garbage")
    }
}
