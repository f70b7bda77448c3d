import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("optimize study, ask and tell")
struct StudyCommandTests {
    static let space = """
        {"params": [{"name": "x", "type": "float", "low": -5, "high": 10},
                    {"name": "n", "type": "int", "low": 1, "high": 64, "log": true},
                    {"name": "kind", "type": "categorical", "choices": ["a", "b", 3]}]}
        """

    /// A scratch directory holding space.json, and the path of a study inside it (not yet made).
    func setUp() throws -> (scratch: URL, study: String) {
        let scratch = try Optimize.scratchDirectory()
        try Data(Self.space.utf8).write(to: scratch.appendingPathComponent("space.json"))
        return (scratch, scratch.appendingPathComponent("study").path)
    }

    func newStudy(_ study: String, in scratch: URL, seed: String = "7") throws -> CommandResult {
        try Optimize.run(["study", "new", study, "--space", scratch.appendingPathComponent("space.json").path,
                          "--direction", "minimize", "--seed", seed])
    }

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("new, ask, tell and show: ints print as integers, categoricals as their values")
    func roundTrip() throws {
        let (scratch, study) = try setUp()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let created = try newStudy(study, in: scratch)
        #expect(created.status == 0, "\(created.stderr)")
        var values: [Int: Double] = [:]
        for number in 0..<12 {
            let asked = try Optimize.run(["ask", study])
            #expect(asked.status == 0, "\(asked.stderr)")
            #expect(asked.stdout.hasPrefix("{\"trial\":\(number),\"params\":{\"x\":"))
            let trial = try object(asked.stdout)
            let params = try #require(trial["params"] as? [String: Any])
            #expect(trial["trial"] as? Int == number)
            #expect(asked.stdout.range(of: #""n":[0-9]+,"kind":("a"|"b"|3)\}"#, options: .regularExpression) != nil, "\(asked.stdout)")
            let x = try #require(params["x"] as? Double)
            values[number] = (x - 1) * (x - 1)
            let told = try Optimize.run(["tell", study, "\(number)", "\(values[number]!)"])
            #expect(told.status == 0, "\(told.stderr)")
        }
        #expect(try Optimize.run(["ask", study]).status == 0)
        #expect(try Optimize.run(["tell", study, "12", "--failed"]).status == 0)
        #expect(try Optimize.run(["ask", study]).status == 0)
        #expect(try Optimize.run(["tell", study, "13", "4.5", "--pruned", "--step", "3"]).status == 0)

        let shown = try Optimize.run(["study", "show", study, "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let summary = try object(shown.stdout)
        let counts = try #require(summary["counts"] as? [String: Int])
        #expect(counts["complete"] == 12 && counts["failed"] == 1 && counts["pruned"] == 1 && counts["running"] == 0)
        let trials = try #require(summary["trials"] as? [[String: Any]])
        #expect(trials.last?["state"] as? String == "pruned" && trials.last?["step"] as? Int == 3 && trials.last?["value"] as? Double == 4.5)
        let best = try #require(summary["best"] as? [String: Any])
        let bestNumber = values.min { ($0.value, $0.key) < ($1.value, $1.key) }!.key
        #expect(best["trial"] as? Int == bestNumber)
        #expect(best["value"] as? Double == values[bestNumber])
        #expect(summary["seed"] as? Int == 7 && summary["direction"] as? String == "minimize")

        let text = try Optimize.run(["study", "show", study])
        #expect(text.status == 0)
        #expect(text.stdout.contains("trials: 14 (12 complete, 0 running, 1 failed, 1 pruned; 0 orphaned)"))
        #expect(text.stdout.contains("best: trial \(bestNumber), value \(values[bestNumber]!)"))
        #expect(text.stdout.contains("kind       categorical  \"a\", \"b\", 3"))
    }

    @Test("the same seed gives the same trials; another seed, others")
    func reproducible() throws {
        let (scratch, study) = try setUp()
        defer { try? FileManager.default.removeItem(at: scratch) }
        func run(_ study: String, seed: String) throws -> [String] {
            #expect(try newStudy(study, in: scratch, seed: seed).status == 0)
            return try (0..<12).map { number in
                let asked = try Optimize.run(["ask", study]).stdout
                _ = try Optimize.run(["tell", study, "\(number)", "\(Double(asked.count % 17))"])
                return asked
            }
        }
        let first = try run(study, seed: "7")
        #expect(try run(study + "-again", seed: "7") == first)
        #expect(try run(study + "-other", seed: "8") != first)
    }

    @Test("an unfinished trial is re-asked with its parameters, or failed")
    func retry() throws {
        let (scratch, study) = try setUp()
        defer { try? FileManager.default.removeItem(at: scratch) }
        #expect(try newStudy(study, in: scratch).status == 0)
        // The owner is a process that has exited: the trial shows as orphaned.
        let asked = try Optimize.run(["ask", study, "--owner", "999999999"])
        let shown = try Optimize.run(["study", "show", study])
        #expect(shown.stdout.contains("running: trial 0"))
        #expect(shown.stdout.contains("orphaned"))
        let again = try Optimize.run(["ask", study, "--retry", "0"])
        #expect(again.status == 0 && again.stdout == asked.stdout)
        #expect(try Optimize.run(["tell", study, "0", "--failed"]).status == 0)
        #expect(try Optimize.run(["ask", study, "--retry", "0"]).status == 34)
    }

    @Test("bad input: one line naming the file or field and the fix, a distinct status, nothing on disk changed",
          arguments: [
            (["tell", "STUDY", "5", "1.0"], Int32(33), "STUDY: trial 5"),
            (["tell", "STUDY", "0", "1.0"], 34, "STUDY: trial 0"),
            (["tell", "STUDY", "1", "nan"], 13, "VALUE"),
            (["tell", "STUDY", "1", "fast"], 13, "VALUE"),
            (["tell", "STUDY", "1"], 13, "VALUE"),
            (["ask", "STUDY", "--retry", "0"], 34, "STUDY: trial 0"),
            (["ask", "SCRATCH"], 31, "SCRATCH"),
            (["study", "show", "SCRATCH/missing"], 31, "SCRATCH/missing"),
            (["study", "new", "STUDY", "--space", "SPACE", "--direction", "minimize", "--seed", "1"], 32, "STUDY"),
            (["study", "new", "NEW", "--space", "BADSPACE", "--direction", "minimize", "--seed", "1"], 30, #"BADSPACE: params[1] ("n")"#),
            (["study", "new", "NEW", "--space", "SCRATCH/none.json", "--direction", "minimize", "--seed", "1"], 20, "SCRATCH/none.json"),
            (["study", "new", "NEW", "--space", "SPACE", "--direction", "minimize", "--seed=-3"], 12, "--seed"),
          ])
    func badInput(_ arguments: [String], _ status: Int32, _ source: String) throws {
        let (scratch, study) = try setUp()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try Data(#"{"params": [{"name": "x", "type": "float", "low": 0, "high": 1}, {"name": "n", "type": "int", "low": 9, "high": 1}]}"#.utf8)
            .write(to: scratch.appendingPathComponent("bad.json"))
        #expect(try newStudy(study, in: scratch).status == 0)
        _ = try Optimize.run(["ask", study])
        _ = try Optimize.run(["tell", study, "0", "2.5"])
        _ = try Optimize.run(["ask", study])
        func substitute(_ text: String) -> String {
            text.replacingOccurrences(of: "BADSPACE", with: scratch.appendingPathComponent("bad.json").path)
                .replacingOccurrences(of: "SPACE", with: scratch.appendingPathComponent("space.json").path)
                .replacingOccurrences(of: "STUDY", with: study)
                .replacingOccurrences(of: "NEW", with: scratch.appendingPathComponent("new").path)
                .replacingOccurrences(of: "SCRATCH", with: scratch.path)
        }
        let files = ["study.json", "trials.journal"].map { URL(fileURLWithPath: study).appendingPathComponent($0) }
        let before = try files.map { try Data(contentsOf: $0) }
        let result = try Optimize.run(arguments.map(substitute))
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: \(substitute(source))"), "\(result.stderr)")
        #expect(result.stderr.contains("Fix: ") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(try files.map { try Data(contentsOf: $0) } == before)
        #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("new").path))
    }

    @Test("processes sharing a study, killed at random instants: the journal always reopens, told trials stay intact, no trial is handed out twice")
    func killedProcesses() throws {
        let (scratch, study) = try setUp()
        defer { try? FileManager.default.removeItem(at: scratch) }
        #expect(try newStudy(study, in: scratch).status == 0)
        var random = SystemRandomNumberGenerator()
        var handedOut: [Int] = []          // trial numbers printed by asks that finished
        var unfinished: [Int] = []         // handed out, not yet told by a tell that finished
        var told: [Int: Double] = [:]      // values of tells that finished
        var killed = 0
        for round in 0..<30 {
            // Three asks and up to three tells at once; about half are killed after 0–60 ms.
            var launched: [(Process, URL, String, Int?, Double?)] = []
            for _ in 0..<3 {
                launched.append(try Self.launch(["ask", study], scratch: scratch, tag: "ask"))
            }
            for number in unfinished.shuffled().prefix(3) {
                let value = Double(round * 1000 + number) + 0.25
                var entry = try Self.launch(["tell", study, "\(number)", "\(value)"], scratch: scratch, tag: "tell")
                entry.3 = number
                entry.4 = value
                launched.append(entry)
            }
            for (process, _, _, _, _) in launched where Bool.random(using: &random) {
                usleep(UInt32.random(in: 0...60_000, using: &random))
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    killed += 1
                }
            }
            for (process, output, tag, number, value) in launched {
                process.waitUntilExit()
                guard process.terminationReason == .exit, process.terminationStatus == 0 else { continue }
                if tag == "ask" {
                    let printed = try String(contentsOf: output, encoding: .utf8)
                    let trial = try #require(try object(printed)["trial"] as? Int, "\(printed)")
                    handedOut.append(trial)
                    unfinished.append(trial)
                } else if let number, let value {
                    told[number] = value
                    unfinished.removeAll { $0 == number }
                }
            }
            // The study always reopens, with every told trial intact.
            let shown = try Optimize.run(["study", "show", study, "--json"])
            #expect(shown.status == 0, "round \(round): \(shown.stderr)")
            let trials = try #require(try object(shown.stdout)["trials"] as? [[String: Any]])
            #expect(trials.map { $0["trial"] as? Int } == Array(0..<trials.count))
            for (number, value) in told {
                let trial = trials.first { $0["trial"] as? Int == number }
                #expect(trial?["state"] as? String == "complete" && trial?["value"] as? Double == value, "round \(round), trial \(number)")
            }
            #expect(Set(handedOut).count == handedOut.count, "a trial was handed out twice: \(handedOut.sorted())")
            #expect(handedOut.allSatisfy { $0 < trials.count })
            // Trials whose tell was killed before it landed are still running: tell them later.
            unfinished = unfinished.filter { number in trials.first { $0["trial"] as? Int == number }?["state"] as? String == "running" }
        }
        #expect(killed >= 20, "few processes were killed (\(killed)); the test did not exercise crashes")
        #expect(told.count >= 10)
    }

    static func launch(_ arguments: [String], scratch: URL, tag: String) throws -> (Process, URL, String, Int?, Double?) {
        let process = Process()
        process.executableURL = Optimize.binary
        process.arguments = arguments
        let output = scratch.appendingPathComponent("out-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, output, tag, nil, nil)
    }
}
