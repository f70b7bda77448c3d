import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("optimize sieve", .serialized)
struct SieveCommandTests {
    /// A planted java_lcg history in a scratch directory.
    func plantedHistory(seed: UInt64 = 777_777) throws -> URL {
        let directory = try Optimize.scratchDirectory()
        let result = try Optimize.run(
            ["generate", "--prng", "java_lcg", "--seed", "\(seed)", "--count", "80", "--skip", "3", "--burn", "11",
             "--noise", "0.2", "--noise-seed", "9", "--out", "h.json"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        return directory
    }

    /// A sieve loose enough to write thousands of chance survivors.
    func sieveArguments(out: String, seeds: String = "0..<12000000", extra: [String] = []) -> [String] {
        ["sieve", "--draws", "h.json", "--prng", "java_lcg", "--window", "10", "--offset", "30", "--reverse-window", "10",
         "--skip", "0...6", "--min-matches", "2", "--reverse-min-matches", "1", "--burn", "11", "--seeds", seeds,
         "--out", out] + extra
    }

    func file(_ directory: URL, _ run: String, _ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(run).appendingPathComponent(name))
    }

    @Test("finds the planted seed and prints one JSON document")
    func plantedSeedJSON() throws {
        let directory = try plantedHistory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Optimize.run(
            ["sieve", "--draws", "h.json", "--prng", "java_lcg", "--window", "20", "--offset", "30", "--reverse-window", "20",
             "--skip", "0...6", "--threshold", "0.5", "--reverse-threshold", "0.5", "--burn", "11", "--seeds", "0..<2000000",
             "--out", "run", "--json"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let survivors = try #require(document["survivors"] as? [[String: Any]])
        #expect(survivors.count == 1)
        #expect(survivors.first?["seed"] as? Int == 777_777)
        #expect(survivors.first?["skip"] as? Int == 3)
        #expect(Set(survivors.first?.keys.map { $0 } ?? []) == ["seed", "skip", "forward_matches", "reverse_matches"])
        let counts = try #require(document["counts"] as? [String: Any])
        #expect(counts["bidirectional"] as? Int == 1)
        let chance = try #require(document["chance"] as? [String: Any])
        #expect(chance["bidirectional"] is Double)
        let parameters = try #require(document["parameters"] as? [String: Any])
        #expect(parameters["forward_min_matches"] as? Int == 10)
        #expect((parameters["history"] as? [String: Any])?["order"] as? String == "file order, oldest first")
    }

    @Test("killed at random instants (SIGKILL, 20+ times), every resume ends byte-identical")
    func killedAndResumed() throws {
        let directory = try plantedHistory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let chunked = ["--chunk-size", "100000"]
        let reference = try Optimize.run(sieveArguments(out: "reference", extra: chunked), in: directory)
        #expect(reference.status == 0, "\(reference.stderr)")
        var random = SystemRandomNumberGenerator()
        var kills = 0
        var finished = false
        for _ in 0..<200 {
            let process = try Optimize.start(sieveArguments(out: "killed", extra: chunked), in: directory)
            usleep(UInt32.random(in: 5_000...250_000, using: &random))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                if process.terminationReason == .uncaughtSignal { kills += 1 }
            } else {
                process.waitUntilExit()
            }
            if process.terminationReason == .exit {
                #expect(process.terminationStatus == 0)
                finished = true
                if kills >= 20 { break }
                // Finished before enough kills: start again from nothing.
                try FileManager.default.removeItem(at: directory.appendingPathComponent("killed"))
                finished = false
            }
        }
        if !finished {
            #expect(try Optimize.run(sieveArguments(out: "killed", extra: chunked), in: directory).status == 0)
        }
        #expect(kills >= 20)
        for name in ["survivors.bin", "chunks.journal", "summary.json"] {
            #expect(try file(directory, "killed", name) == file(directory, "reference", name), "\(name)")
        }
        #expect(try file(directory, "reference", "survivors.bin").count > 40 * 1000)
    }

    @Test("SIGINT finishes the current chunk and exits cleanly; the same command resumes")
    func interruptedAndResumed() throws {
        let directory = try plantedHistory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let chunked = ["--chunk-size", "200000"]
        #expect(try Optimize.run(sieveArguments(out: "reference", extra: chunked), in: directory).status == 0)
        let process = try Optimize.start(sieveArguments(out: "stopped", extra: chunked), in: directory)
        // Signal once a chunk is journaled (the handler is installed before anything is written),
        // however loaded the machine is: a signal that came before the process set its handler
        // would be lost where the test runner ignores SIGINT, as children inherit that.
        let journalPath = directory.appendingPathComponent("stopped/chunks.journal").path
        let started = Date()
        while ((try? FileManager.default.attributesOfItem(atPath: journalPath)[.size] as? Int) ?? 0) == 0
            && process.isRunning && Date().timeIntervalSince(started) < 120 {
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 130)
        let journal = try String(decoding: file(directory, "stopped", "chunks.journal"), as: UTF8.self)
        #expect(!journal.isEmpty && journal.hasSuffix("\n"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("stopped/summary.json").path))
        #expect(try Optimize.run(sieveArguments(out: "stopped", extra: chunked), in: directory).status == 0)
        for name in ["survivors.bin", "chunks.journal", "summary.json"] {
            #expect(try file(directory, "stopped", name) == file(directory, "reference", name), "\(name)")
        }
    }

    @Test("a directory holding another sweep is refused and left untouched")
    func otherSweepRefused() throws {
        let directory = try plantedHistory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try Optimize.run(sieveArguments(out: "run", seeds: "0..<100000"), in: directory).status == 0)
        let before = try file(directory, "run", "survivors.bin")
        let other = try Optimize.run(sieveArguments(out: "run", seeds: "0..<100000", extra: ["--modulus", "999"]), in: directory)
        #expect(other.status == 40)
        #expect(other.stderr.contains("modulus"), "\(other.stderr)")
        #expect(try file(directory, "run", "survivors.bin") == before)
        // Another history with the same parameters is refused too.
        try Data("[{\"draw\": 1}]".utf8).write(to: directory.appendingPathComponent("other.json"))
        var arguments = sieveArguments(out: "run", seeds: "0..<100000")
        arguments[2] = "other.json"
        let otherHistory = try Optimize.run(arguments, in: directory)
        #expect(otherHistory.status == 28 || otherHistory.status == 40, "\(otherHistory.stderr)")
    }

    @Test("shards merge into exactly the unsharded result")
    func shardsMerge() throws {
        let directory = try plantedHistory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let seeds = "1000000..<4000000"
        #expect(try Optimize.run(sieveArguments(out: "whole", seeds: seeds), in: directory).status == 0)
        for i in 0..<3 {
            let shard = try Optimize.run(sieveArguments(out: "part\(i)", seeds: seeds, extra: ["--shard", "\(i)/3"]), in: directory)
            #expect(shard.status == 0, "\(shard.stderr)")
        }
        let merged = try Optimize.run(["merge", "part2", "part0", "part1", "--out", "merged"], in: directory)
        #expect(merged.status == 0, "\(merged.stderr)")
        for name in ["survivors.bin", "summary.json"] {
            #expect(try file(directory, "merged", name) == file(directory, "whole", name), "\(name)")
        }
        let incomplete = try Optimize.run(["merge", "part0", "part1", "--out", "merged2"], in: directory)
        #expect(incomplete.status != 0)
    }

    @Test("survivors exports JSON and CSV of what the sweep wrote")
    func survivorsExport() throws {
        let directory = try plantedHistory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try Optimize.run(sieveArguments(out: "run", seeds: "700000..<900000"), in: directory).status == 0)
        let json = try Optimize.run(["survivors", "run", "--only", "bidirectional"], in: directory)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(entries.contains { $0["seed"] as? Int == 777_777 && $0["bidirectional_skip"] as? Int == 3 })
        let seeds = entries.compactMap { $0["seed"] as? Int }
        #expect(seeds == seeds.sorted())
        let csv = try Optimize.run(["survivors", "run", "--format", "csv"], in: directory)
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("seed,passed,forward_skip") == true)
        let summary = try JSONSerialization.jsonObject(with: file(directory, "run", "summary.json")) as? [String: Any]
        #expect(lines.count - 1 == summary?["records"] as? Int)
    }

    @Test("malformed input: each kind its own status, a message with the file or option and the fix",
          arguments: [
            ("bad.json", "[{\"draw\": 5},", [String](), Int32(22), "bad.json"),
            ("nodraw.json", "[{\"draw\": 5}, {\"session\": \"midday\"}]", [], 23, "entry 1"),
            ("big.json", "[{\"draw\": 5}, {\"draw\": 1000}]", [], 24, "entry 1"),
            ("neg.json", "[{\"draw\": 5}, {\"draw\": -3}]", [], 25, "entry 1"),
            ("frac.json", "[{\"draw\": 5}, {\"draw\": 2.5}]", [], 25, "entry 1"),
            ("sess.json", "[{\"draw\": 5, \"session\": \"midday\"}]", ["--sessions", "evening"], 26, "--sessions"),
            ("empty.json", "[]", [], 27, "empty.json"),
            ("ok.json", "[{\"draw\": 5}, {\"draw\": 6}]", ["--window", "5"], 28, "--window"),
            ("ok.json", "[{\"draw\": 5}, {\"draw\": 6}]", ["--reverse-window", "2", "--reverse-threshold", "0.5"], 28, "--reverse-window"),
            ("ok.json", "[{\"draw\": 5}, {\"draw\": 6}]", ["--skip", "5...2"], 14, "--skip"),
            ("ok.json", "[{\"draw\": 5}, {\"draw\": 6}]", ["--threshold", "1.5"], 15, "--threshold"),
            ("ok.json", "[{\"draw\": 5}, {\"draw\": 6}]", ["--seeds", "100..<100"], 16, "--seeds"),
            ("ok.json", "[{\"draw\": 5}, {\"draw\": 6}]", ["--seeds", "200..<100"], 16, "--seeds"),
            ("ok.json", "[{\"draw\": 5}, {\"draw\": 6}]", ["--seeds", "0..<2^33"], 17, "--seeds"),
            ("ok.json", "[{\"draw\": 5}, {\"draw\": 6}]", ["--prng", "randu"], 10, "--prng"),
            ("ok.json", "[{\"draw\": 5}, {\"draw\": 6}]", ["--param", "q=1"], 11, "--param q"),
          ])
    func malformedInput(_ name: String, _ content: String, _ overrides: [String], _ status: Int32, _ source: String) throws {
        let directory = try Optimize.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(content.utf8).write(to: directory.appendingPathComponent(name))
        var options: [String: String] = [
            "--draws": name, "--prng": "mt19937", "--window": "1", "--offset": "0", "--skip": "0...2",
            "--threshold": "0.5", "--seeds": "0..<1000", "--out": "run",
        ]
        var flags: [String] = []
        var index = 0
        while index < overrides.count {
            options[overrides[index]] = overrides[index + 1]
            index += 2
        }
        if options["--param"] != nil { options["--prng"] = "lcg32" }
        for (key, value) in options.sorted(by: { $0.key < $1.key }) { flags += [key, value] }
        let result = try Optimize.run(["sieve"] + flags, in: directory)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: "), "\(result.stderr)")
        #expect(result.stderr.contains(source), "\(result.stderr)")
        #expect(result.stderr.contains("Fix: "), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("run").path))
    }
}
