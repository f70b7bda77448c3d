import Foundation
import Testing

/// `optimize report`: one well-formed page per search run, sweep and campaign, whose plots hold
/// the run's own records (read here from the run's files, independently of the tool's readers).
@Suite("optimize report", .serialized)
struct ReportCommandTests {
    let search = SearchCommandTests()

    /// The JSON records of a journal file (`CRC32 {json}` per line).
    static func journal(_ url: URL) throws -> [[String: Any]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let json = try #require(line.firstIndex(of: " ").map { line[line.index(after: $0)...] })
            return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        }
    }

    static func number(_ value: String?) -> Double? { value.flatMap(Double.init) }

    /// Whether a drawn value (7 significant digits) is the record's value.
    static func same(_ drawn: String?, _ value: Double?) -> Bool {
        guard let drawn = number(drawn), let value else { return false }
        return abs(drawn - value) <= 5e-7 * abs(value)
    }

    /// A search run of 12 trials, with a champion promoted from it, in a scratch directory.
    func searchRun() throws -> URL {
        let directory = try search.setUp()
        let result = try Optimize.run(search.searchArguments(out: "run", trials: 12), in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let promoted = try Optimize.run(["champion", "promote", "run", "--name", "best"], in: directory)
        #expect(promoted.status == 0, "\(promoted.stderr)")
        return directory
    }

    func report(_ directory: URL, _ target: String, out: String? = nil) throws -> (result: CommandResult, page: Data, markup: ReportMarkup) {
        let result = try Optimize.run(["report", target] + (out.map { ["--out", $0] } ?? []), in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let path = directory.appendingPathComponent(out ?? target + "/report.html")
        let page = try #require(FileManager.default.contents(atPath: path.path), "no report at \(path.path)")
        let parsed = ReportMarkup.parse(page)
        let markup = try #require(parsed.markup, "the report is not well-formed: \(parsed.error ?? "")")
        return (result, page, markup)
    }

    @Test("a search run's report: well-formed, and each plot's points are the run's records")
    func searchReport() throws {
        let directory = try searchRun()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (result, page, markup) = try report(directory, "run")
        #expect(result.stdout.hasPrefix("wrote run/report.html:"), "\(result.stdout)")
        #expect(page.count < 2_000_000)
        let text = String(decoding: page, as: UTF8.self)
        #expect(!text.contains("<script"), "the report needs no script")
        #expect(!text.contains("https://") && !text.contains("src=\""), "nothing is loaded from anywhere")

        let records = try Self.journal(directory.appendingPathComponent("run/trials.journal"))
        let complete = records.filter { $0["state"] as? String == "COMPLETE" }
        #expect(records.count == 12)

        // History: one point per complete trial at its score; the best so far is the running maximum.
        let points = markup.marks(plot: "history", series: "complete trial")
        #expect(points.count == complete.count)
        for record in complete {
            let trial = String(record["trial"] as! Int)
            let point = try #require(points.first { $0["data-trial"] == trial }, "trial \(trial) is not in the history")
            #expect(Self.same(point["data-score"], record["score"] as? Double), "trial \(trial): \(point["data-score"] ?? "none")")
        }
        var best = -Double.infinity
        var steps: [String] = []
        for record in complete.sorted(by: { ($0["trial"] as! Int) < ($1["trial"] as! Int) }) where (record["score"] as! Double) > best {
            best = record["score"] as! Double
            steps.append(String(record["trial"] as! Int))
        }
        #expect(markup.marks(plot: "history", series: "best so far").compactMap { $0["data-trial"] } == steps)
        let level = try #require(Self.number(markup.marks(plot: "history", series: "significance level").first?["data-level"]))
        #expect(abs(level - -log10(0.01 / 12)) < 1e-6)

        // Slices: each point at the trial's parameter value.
        for name in ["window_size", "offset", "skip_min", "skip_max"] {
            let slice = markup.marks(plot: "slice-" + name, series: "complete trial")
            #expect(slice.count == complete.count, "slice \(name)")
            for record in complete {
                let parameters = record["params"] as! [String: Any]
                let point = try #require(slice.first { $0["data-trial"] == String(record["trial"] as! Int) })
                #expect(Self.same(point["data-value"], (parameters[name] as! NSNumber).doubleValue), "\(name) of trial \(record["trial"]!)")
            }
        }
        // Importance: an estimate in [0, 1] for parameters the bounds leave free.
        let importance = markup.marks(plot: "importance", series: "ε²")
        #expect(!importance.isEmpty)
        for bar in importance {
            let value = try #require(Self.number(bar["data-epsilon-squared"]))
            #expect((0...1).contains(value))
            #expect(["window_size", "offset", "skip_min", "skip_max", "forward_threshold", "reverse_threshold"].contains(bar["data-parameter"] ?? ""))
        }
        // Survivors against chance: the records' bidirectional counts and chance expectations.
        let observed = markup.marks(plot: "survivors", series: "observed") + markup.marks(plot: "survivors", series: "observed 0")
        let expected = markup.marks(plot: "survivors", series: "expected by chance")
        for record in complete {
            let trial = String(record["trial"] as! Int)
            let counts = record["counts"] as! [String: Any]
            #expect(observed.first { $0["data-trial"] == trial }?["data-observed"] == String(counts["bidirectional"] as! Int))
            let chance = record["chance"] as! [String: Any]
            let rate = (chance["bidirectional"] as! [String: Any])["rate"] as! Double
            let value = rate * (chance["seed_count"] as! Double)
            if value > 0 {
                #expect(Self.same(expected.first { $0["data-trial"] == trial }?["data-expected"], value), "trial \(trial)'s chance")
            }
        }
        // Timeline: one bar per line of timings.journal.
        let timings = try Self.journal(directory.appendingPathComponent("run/timings.journal"))
        #expect(markup.marks(plot: "timeline", series: "ran").count == timings.filter { $0["resumed"] as? Bool == false }.count)
        // The window: the best trial's forward window, over the history's 120 draws.
        let bestRecord = try #require(complete.max { ($0["score"] as! Double) < ($1["score"] as! Double) })
        let parameters = bestRecord["params"] as! [String: Any]
        let band = try #require(markup.marks(plot: "window", series: "forward window").first)
        #expect(band["data-first"] == String(parameters["offset"] as! Int))
        #expect(band["data-end"] == String((parameters["offset"] as! Int) + (parameters["window_size"] as! Int)))
        #expect(markup.marks(plot: "window", series: "draw").count == 120)
        // The champion promoted from it.
        #expect(text.contains("<td>best</td><td>\(bestRecord["trial"] as! Int)</td>"), "the champion's row")
        #expect(markup.bannerCount == 0)
    }

    @Test("the same run gives the same bytes; a resumed run still reads its directory")
    func deterministic() throws {
        let directory = try searchRun()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try report(directory, "run").page
        let second = try report(directory, "run", out: "again.html").page
        #expect(first == second)
        // The report in the run's directory does not stop the run from being read or summarized.
        let summary = try Optimize.run(["summarize", "run"], in: directory)
        #expect(summary.status == 0, "\(summary.stderr)")
        let status = try Optimize.run(["status", "run"], in: directory)
        #expect(status.status == 0, "\(status.stdout) \(status.stderr)")
    }

    @Test("a stopped or damaged run still gets a report, with a banner saying so")
    func damagedRun() throws {
        let directory = try search.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Optimize.run(search.searchArguments(out: "run", trials: 6), in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        // A torn last record, as a process killed while writing it leaves, and a damaged trial file.
        let journal = try FileHandle(forWritingTo: directory.appendingPathComponent("run/trials.journal"))
        try journal.seekToEnd()
        try journal.write(contentsOf: Data("0badc0de {\"trial\":6,\"sta".utf8))
        try journal.close()
        try Data("{not json".utf8).write(to: directory.appendingPathComponent("run/trials/00002/trial.json"))
        let (reported, _, markup) = try report(directory, "run")
        #expect(markup.bannerCount >= 2, "\(markup.text)")
        #expect(markup.text.contains("torn record"))
        #expect(markup.text.contains("trials/00002/trial.json"))
        #expect(reported.stderr.contains("warning:"))
        #expect(markup.marks(plot: "history", series: "complete trial").count
            + markup.marks(plot: "history", series: "pruned").count + markup.marks(plot: "history", series: "failed").count == 6)
    }

    @Test("a running search's report says it is running, and shows the trials finished so far")
    func runningRun() throws {
        let directory = try search.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = try Optimize.start(search.searchArguments(out: "run", trials: 400, seeds: "0..<1048576"), in: directory)
        defer { if process.isRunning { process.terminate(); process.waitUntilExit() } }
        let journal = directory.appendingPathComponent("run/trials.journal")
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, ((try? String(contentsOf: journal, encoding: .utf8)) ?? "").split(separator: "\n").count < 2 {
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(process.isRunning, "the search ended before the report")
        let (_, _, markup) = try report(directory, "run")
        #expect(markup.text.contains("This search is running (process \(process.processIdentifier))"), "\(markup.text.prefix(600))")
        #expect(markup.marks(plot: "history", series: "complete trial").count >= 2)
    }

    @Test("a sweep's report: the survivors by seed and skip, and the matches against chance")
    func sweepReport() throws {
        let directory = try search.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sieve = try Optimize.run(["sieve", "--draws", "h.json", "--prng", "java_lcg", "--window", "30", "--offset", "40",
                                      "--skip", "0...6", "--threshold", "0.1", "--seeds", "90000..<110000", "--out", "sweep"], in: directory)
        #expect(sieve.status == 0, "\(sieve.stderr)")
        let (_, _, markup) = try report(directory, "sweep")
        let listed = try Optimize.run(["survivors", "sweep", "--format", "json"], in: directory)
        let survivors = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(!survivors.isEmpty)
        let drawn = markup.marks(plot: "survivors", series: "forward only") + markup.marks(plot: "survivors", series: "survived both tests")
        #expect(drawn.count == survivors.count)
        for survivor in survivors {
            let seed = String((survivor["seed"] as! NSNumber).uint64Value)
            #expect(drawn.contains { $0["data-seed"] == seed }, "seed \(seed)")
        }
        // The histogram counts the survivors by forward matches; chance sums to the sweep's expectation.
        let bars = markup.marks(plot: "matches", series: "observed")
        #expect(bars.compactMap { Int($0["data-observed"] ?? "") }.reduce(0, +) == survivors.count)
        let planted = try #require(survivors.first { ($0["seed"] as! NSNumber).intValue == SearchCommandTests.plantedSeed })
        let matches = try #require((planted["forward_matches"] ?? planted["matches"]) as? Int, "\(planted)")
        #expect(bars.contains { $0["data-matches"] == String(matches) })
        let summary = try #require(try JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: directory.appendingPathComponent("sweep/summary.json").path)!) as? [String: Any])
        let chance = summary["chance"] as! [String: Any]
        let forward = ((chance["forward"] as! [String: Any])["rate"] as! Double) * (chance["seed_count"] as! Double)
        let expected = (markup.marks(plot: "matches", series: "chance") + markup.elements.filter { $0.plot == "svg-matches" && ($0.series ?? "").hasPrefix("chance below") }.map(\.attributes))
            .compactMap { Self.number($0["data-expected"]) }.reduce(0, +)
        #expect(abs(expected - forward) <= 1e-5 * forward, "chance drawn \(expected), summary \(forward)")
    }

    @Test("a campaign's report: seeds per second, canary recall and candidates per cycle")
    func campaignReport() throws {
        let directory = try searchRun()
        defer { try? FileManager.default.removeItem(at: directory) }
        let campaign = try Optimize.run(["campaign", "run", "--champion", "best", "--draws", "h.json", "--seeds", "0..<131072",
                                         "--block", "32768", "--out", "night"], in: directory)
        #expect(campaign.status == 0, "\(campaign.stderr)")
        let (_, _, markup) = try report(directory, "night")
        let cycles = try Self.journal(directory.appendingPathComponent("night/history.jsonl"))
        #expect(cycles.count == 4)
        let rates = markup.marks(plot: "throughput", series: "seeds per second")
        for cycle in cycles {
            let number = String(cycle["cycle"] as! Int)
            #expect(Self.same(rates.first { $0["data-cycle"] == number }?["data-seeds-per-second"], cycle["seeds_per_second"] as? Double))
            let canary = cycle["canary"] as! [String: Any]
            let found = (canary["recall"] as! Int) == 1
            #expect(markup.marks(plot: "recall", series: found ? "found" : "missed").contains { $0["data-cycle"] == number })
            #expect(markup.marks(plot: "candidates", series: "candidates").first { $0["data-cycle"] == number }?["data-candidates"]
                == String(cycle["candidates"] as! Int))
        }
    }

    @Test("a soak's report: each workload's throughput per iteration, the gate's threshold and the metrics store's records")
    func soakReport() throws {
        let soaks = SoakCommandTests()
        let directory = try soaks.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try soaks.soak(directory, out: "first", iterations: 3).status == 0)
        // Gated against the first soak: W1 on 65,536 seeds takes milliseconds, so any verdict may
        // come (PASS, FAIL or INCONCLUSIVE); the report shows whichever it was.
        let second = try soaks.soak(directory, out: "second", iterations: 2)
        #expect([0, 1, 3].contains(second.status), "\(second.stdout)\n\(second.stderr)")
        let result = try Optimize.run(["report", "second", "--metrics-dir", "metrics"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let page = try #require(FileManager.default.contents(atPath: directory.appendingPathComponent("second/report.html").path))
        let markup = try #require(ReportMarkup.parse(page).markup)
        #expect(markup.plots == ["svg-soak-W1"])
        let points = markup.marks(plot: "soak-W1", series: "this soak")
        for iteration in 1...2 {
            let summary = try soaks.json(directory.appendingPathComponent("second/ITER_SUMMARY_\(iteration).json"))
            let rate = ((summary["workloads"] as? [[String: Any]])?.first?["seeds_per_second"] as? Double)
            #expect(Self.same(points.first { $0["data-iteration"] == String(iteration) }?["data-seeds-per-second"], rate), "iteration \(iteration)")
        }
        // Every record of soak.W1 in the store: the first soak's 3 and this one's 2.
        #expect(markup.marks(plot: "soak-W1", series: "metrics store").count == 5)
        // The threshold: the minimum ratio (0.8) times the median of the first soak's 3 samples.
        let gate = try soaks.json(directory.appendingPathComponent("second/KPI_GATE.json"))
        let history = try #require(((gate["throughput"] as? [[String: Any]])?.first?["history"] as? [Double]))
        let median = history.sorted()[1]
        #expect(Self.same(markup.marks(plot: "soak-W1", series: "gate threshold").first?["data-threshold"], 0.8 * median))
        #expect(markup.text.contains("The KPI gate: \(gate["verdict"] as! String)"))
    }

    @Test("a directory that holds nothing to report is refused by name, and nothing is written")
    func refusesOtherDirectories() throws {
        let directory = try Optimize.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("empty"), withIntermediateDirectories: true)
        let empty = try Optimize.run(["report", "empty"], in: directory)
        #expect(empty.status == 20, "\(empty.stderr)")
        #expect(empty.stderr.contains("empty") && empty.stderr.contains("holds no search run"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("empty/report.html").path))
        let missing = try Optimize.run(["report", "nowhere"], in: directory)
        #expect(missing.status == 20, "\(missing.stderr)")
    }
}
