import Foundation
import Testing
import SearchWorkers
import _PostgresTestServer

/// Workers on one search in a real PostgreSQL database, run as a user runs them: the built
/// binary, several processes, one killed, the database restarted.
@Suite("Workers sharing a search in PostgreSQL")
struct SharedSearchTests {
    static let draws = Optimize.repository.appendingPathComponent("Examples/planted-java_lcg.json").path
    /// 7 trials, all among the sampler's 10 startup trials: their parameters depend on the trial
    /// number alone, so a run of several workers must equal a single worker's, trial for trial.
    static func searchOptions(trials: Int = 7) -> [String] {
        ["--draws", draws, "--prng", "java_lcg", "--seeds", "3000000..<3262144", "--trials", String(trials), "--seed", "1"]
    }

    /// Waits until `file` holds `text` (a worker's standard error), or `seconds` pass.
    static func wait(for text: String, in file: URL, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let contents = try? String(contentsOf: file, encoding: .utf8), contents.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// The finished trials' records as a directory run journals them, by trial.
    static func records(_ search: SharedSearch) throws -> [String] {
        try search.trials().map { try RunFileCoding.encoder.encode($0.record!.outcome).text }
    }

    @Test("three workers, one killed mid-trial: its trial is handed to another, every trial is recorded once, and the run equals one worker's")
    func threeWorkersOneKilled() throws {
        let url = try PostgresTestServer.database("workers")
        let scratch = try Optimize.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let common = ["--storage", url, "--name", "daily", "--lease", "3"]
        // The first worker creates the search; the others join it.
        let first = try Optimize.start(["search"] + Self.searchOptions() + common + ["--out", "w1"], in: scratch,
                                       errors: scratch.appendingPathComponent("w1.err"))
        #expect(Self.wait(for: "trial 0 starts", in: scratch.appendingPathComponent("w1.err"), seconds: 60))
        let victim = try Optimize.start(["worker"] + common + ["--out", "w2"], in: scratch, errors: scratch.appendingPathComponent("w2.err"))
        let third = try Optimize.start(["worker"] + common + ["--out", "w3"], in: scratch, errors: scratch.appendingPathComponent("w3.err"))
        #expect(Self.wait(for: " starts: ", in: scratch.appendingPathComponent("w2.err"), seconds: 60))
        // Seen from a reader meanwhile: a live search, its trial in progress as the heartbeats report it.
        Thread.sleep(forTimeInterval: 1)
        let watching = try Optimize.run(["monitor", "--once", "--storage", url, "--name", "daily"], in: scratch)
        #expect(watching.status == 0 && watching.stdout.contains("#daily"), "\(watching.stdout)\(watching.stderr)")
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        first.waitUntilExit()
        third.waitUntilExit()
        let logs = try ["w1", "w2", "w3"].map { try String(contentsOf: scratch.appendingPathComponent("\($0).err"), encoding: .utf8) }
        #expect(first.terminationStatus == 0, "\(logs[0])")
        #expect(third.terminationStatus == 0, "\(logs[2])")
        #expect(victim.terminationReason == .uncaughtSignal)

        let database = try DatabaseConnection(url: try StorageURL.parse(url, source: "test"))
        let search = try SharedSearch.open(database: database, name: "daily")
        let rows = try search.store.rows()
        #expect(rows.map(\.trial.number) == Array(0..<7))
        #expect(rows.allSatisfy { $0.trial.state.isFinished })
        // Each trial finished exactly once; the killed worker's trial was handed out again, and recorded so.
        let events = try search.store.events()
        for number in 0..<7 {
            #expect(events.filter { $0.trial == number && ["complete", "pruned", "failed"].contains($0.event) }.count == 1, "trial \(number)")
        }
        let killedTrial = try #require(events.first { $0.event == "asked" && $0.worker?.contains("/\(victim.processIdentifier)/") == true }?.trial)
        #expect(events.contains { $0.trial == killedTrial && $0.event == "rehanded" })
        #expect(rows[killedTrial].trial.attempts == 2 && rows[killedTrial].worker?.contains("/\(victim.processIdentifier)/") == false)

        // One worker on a directory, same options: the same records, trial for trial, and the same summary.
        let single = try Optimize.run(["search"] + Self.searchOptions() + ["--out", "single"], in: scratch)
        #expect(single.status == 0, "\(single.stderr)")
        let journal = try Journal.read(FilePath(scratch.appendingPathComponent("single/trials.journal").path), damage: .damagedOutputDirectory)
        #expect(try Self.records(search) == journal.records.map(\.text))
        let shared = try Optimize.run(["summarize", "--json", "--storage", url, "--name", "daily"], in: scratch)
        let alone = try Optimize.run(["summarize", "--json", "single"], in: scratch)
        #expect(shared.status == 0 && alone.status == 0, "\(shared.stderr)\(alone.stderr)")
        // Times aside: how long a trial took depends on the machine and the other workers.
        func timeless(_ value: JSONValue) -> JSONValue {
            switch value {
            case .object(let members): .object(members.filter { $0.key != "seconds" }.map { ($0.key, timeless($0.value)) })
            case .array(let items): .array(items.map(timeless))
            default: value
            }
        }
        let sharedJSON = try JSONReader.parse(Array(shared.stdout.utf8)), aloneJSON = try JSONReader.parse(Array(alone.stdout.utf8))
        guard case .object(let members) = aloneJSON else { Issue.record("summarize printed no object"); return }
        #expect(members.count >= 10)
        for (key, value) in members where key != "directory" {
            #expect(sharedJSON[key].map(timeless) == timeless(value), "summarize's \(key)")
        }
    }

    @Test("Ctrl-C stops a worker with 130 and releases its trial: the next worker takes it at once, not after the lease")
    func interruptReleases() throws {
        let url = try PostgresTestServer.database("interrupt")
        let scratch = try Optimize.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let errors = scratch.appendingPathComponent("w1.err")
        let first = try Optimize.start(["search"] + Self.searchOptions(trials: 2) + ["--storage", url, "--name", "c", "--lease", "600", "--out", "w1"],
                                       in: scratch, errors: errors)
        #expect(Self.wait(for: "trial 0 starts", in: errors, seconds: 60))
        kill(first.processIdentifier, SIGINT)
        first.waitUntilExit()
        let log = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        #expect(first.terminationStatus == 130, "\(log)")
        // With a 600 s lease, only the release lets this worker take trial 0 now.
        let second = try Optimize.run(["worker", "--storage", url, "--name", "c", "--out", "w2"], in: scratch)
        #expect(second.status == 0, "\(second.stderr)")
        let search = try SharedSearch.open(database: try DatabaseConnection(url: try StorageURL.parse(url, source: "test")), name: "c")
        let events = try search.store.events().filter { $0.trial == 0 }.map(\.event)
        #expect(events == ["asked", "released", "rehanded", "complete"], "\(events)")
    }

    @Test("the database restarting mid-search: the workers retry, continue, and tell each trial once")
    func databaseRestart() throws {
        let cluster = try PostgresTestServer.PrivateCluster()
        let scratch = try Optimize.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        // Heartbeats every 2 s: the 4 s outage is seen (and survived) while the trials are sieved too.
        let common = ["--storage", cluster.url, "--name", "restart", "--lease", "8"]
        let first = try Optimize.start(["search"] + Self.searchOptions(trials: 6) + common + ["--out", "w1"], in: scratch,
                                       errors: scratch.appendingPathComponent("w1.err"))
        #expect(Self.wait(for: "trial 0 starts", in: scratch.appendingPathComponent("w1.err"), seconds: 60))
        let second = try Optimize.start(["worker"] + common + ["--out", "w2"], in: scratch, errors: scratch.appendingPathComponent("w2.err"))
        #expect(Self.wait(for: "complete in", in: scratch.appendingPathComponent("w1.err"), seconds: 60))
        try cluster.halt()
        Thread.sleep(forTimeInterval: 4)
        try cluster.resume()
        first.waitUntilExit()
        second.waitUntilExit()
        let logs = try ["w1", "w2"].map { try String(contentsOf: scratch.appendingPathComponent("\($0).err"), encoding: .utf8) }
        #expect(first.terminationStatus == 0 && second.terminationStatus == 0, "\(logs)")
        #expect(logs.joined().contains("retrying in"), "no worker saw the database go away: \(logs)")
        let database = try DatabaseConnection(url: try StorageURL.parse(cluster.url, source: "test"))
        let search = try SharedSearch.open(database: database, name: "restart")
        #expect(try search.store.rows().map { $0.trial.state.isFinished } == Array(repeating: true, count: 6))
        let finishes = try search.store.events().filter { ["complete", "pruned", "failed"].contains($0.event) }
        #expect(finishes.map(\.trial).sorted() == Array(0..<6))
    }

    @Test("a bad URL, a wrong password and an unreachable server: each named, with its own exit status, and nothing written")
    func connectionFailures() throws {
        let url = try PostgresTestServer.database("failures")
        let scratch = try Optimize.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let good = try StorageURL.parse(url, source: "test")
        let cases: [(url: String, status: Int32, words: String)] = [
            ("mysql://optimize@127.0.0.1/db", 67, "--storage"),
            ("postgresql://\(good.user):wrong-password@\(good.host):\(good.port)/\(good.database)", 68, "refused user \(good.user)"),
            ("postgresql://\(good.user):x@127.0.0.1:9/\(good.database)", 69, "no database server answered"),
        ]
        for (index, item) in cases.enumerated() {
            let result = try Optimize.run(["search"] + Self.searchOptions() + ["--storage", item.url, "--name", "n", "--out", "w\(index)"], in: scratch)
            #expect(result.status == item.status, "\(item.url): \(result.stderr)")
            #expect(result.stderr.contains(item.words) && result.stderr.contains("Fix:"), "\(result.stderr)")
            #expect(!result.stderr.contains("wrong-password"), "the password is never printed")
            #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("w\(index)").path))
        }
        // OPTIMIZE_STORAGE is read when --storage is not given.
        let fromEnvironment = try Optimize.run(["study", "show", "nothing"], in: scratch, environment: ["OPTIMIZE_STORAGE": "postgresql://nohost"])
        #expect(fromEnvironment.status == 67 && fromEnvironment.stderr.contains("OPTIMIZE_STORAGE"), "\(fromEnvironment.stderr)")
    }

    @Test("study new, ask, tell and show on a database, as on a directory")
    func askAndTell() throws {
        let url = try PostgresTestServer.database("asktell")
        let scratch = try Optimize.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let space = scratch.appendingPathComponent("space.json")
        try Data(#"{"params": [{"name": "x", "type": "float", "low": -1, "high": 1}]}"#.utf8).write(to: space)
        #expect(try Optimize.run(["study", "new", "s", "--storage", url, "--space", space.path, "--direction", "minimize", "--seed", "3"], in: scratch).status == 0)
        #expect(try Optimize.run(["study", "new", "s", "--storage", url, "--space", space.path, "--direction", "minimize", "--seed", "3"], in: scratch).status == 32)
        for _ in 0..<3 {
            let asked = try Optimize.run(["ask", "s", "--storage", url], in: scratch)
            let json = try JSONReader.parse(Array(asked.stdout.utf8))
            let trial = try #require(json["trial"]?.integer)
            #expect(try Optimize.run(["tell", "s", String(trial), "-0.5", "--storage", url], in: scratch).status == 0)
            #expect(try Optimize.run(["tell", "s", String(trial), "1", "--storage", url], in: scratch).status == 34)
        }
        let shown = try Optimize.run(["study", "show", "s", "--storage", url, "--json"], in: scratch)
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("\"complete\""), "\(shown.stdout)")
        #expect(try Optimize.run(["study", "show", "missing", "--storage", url], in: scratch).status == 35)
        #expect(try Optimize.run(["migrate", "--storage", url], in: scratch).stdout.contains("already"))
    }
}
