import Foundation
import Testing

@Suite("optimize generate")
struct GenerateCommandTests {
    struct Entry: Decodable, Equatable {
        let draw: UInt64
        let session: String
    }

    func draws(_ json: String) throws -> [UInt64] {
        try JSONDecoder().decode([Entry].self, from: Data(json.utf8)).map(\.draw)
    }

    @Test("reproduces docs/reference-system.md TV-13 in the reference's JSON format")
    func referenceVectorTV13() throws {
        let java = try Optimize.run(["generate", "--prng", "java_lcg", "--seed", "1234", "--count", "5", "--skip", "5"])
        #expect(java.status == 0, "\(java.stderr)")
        let entries = try JSONDecoder().decode([Entry].self, from: Data(java.stdout.utf8))
        #expect(entries == [843, 814, 568, 312, 538].map { Entry(draw: $0, session: "midday") })

        let xorshift = try Optimize.run(["generate", "--prng", "xorshift32", "--seed", "42", "--count", "5", "--skip", "5"])
        #expect(try draws(xorshift.stdout) == [134, 227, 860, 66, 677])
        let mt = try Optimize.run(["generate", "--prng", "mt19937", "--seed", "12345", "--count", "5", "--skip", "5"])
        #expect(try draws(mt.stdout) == [737, 65, 227, 3, 599])
    }

    @Test("text and csv formats carry the same draws; burn shifts the stream")
    func formatsAndBurn() throws {
        let base = ["generate", "--prng", "minstd", "--seed", "7", "--count", "6", "--skip", "2"]
        let json = try draws(try Optimize.run(base).stdout)
        let text = try Optimize.run(base + ["--format", "text"]).stdout
        #expect(text.split(separator: "\n").map { UInt64($0)! } == json)
        let csv = try Optimize.run(base + ["--format", "csv", "--session", "evening"]).stdout
        let lines = csv.split(separator: "\n")
        #expect(lines.first == "draw,session")
        #expect(lines.dropFirst().map { UInt64($0.split(separator: ",")[0])! } == json)
        #expect(lines.dropFirst().allSatisfy { $0.hasSuffix(",evening") })
        // Burning 3 outputs (one draw's worth at skip 2) drops the first draw.
        let burned = try draws(try Optimize.run(base + ["--burn", "3"]).stdout)
        #expect(Array(burned.prefix(5)) == Array(json.dropFirst()))
    }

    @Test("M = 2^32 keeps 32-bit outputs whole; hexadecimal and powers of two are accepted")
    func fullModulus() throws {
        let result = try Optimize.run(["generate", "--prng", "xorshift32", "--seed", "0x3039", "--count", "3", "--modulus", "2^32", "--format", "text"])
        #expect(result.stdout == "3336926330\n1697253807\n2816511904\n")
    }

    @Test("noise replaces round(p·count) draws, reports their indices, and is reproducible")
    func noise() throws {
        let base = ["generate", "--prng", "java_lcg", "--seed", "99", "--count", "200", "--skip", "3", "--burn", "11"]
        let clean = try draws(try Optimize.run(base).stdout)
        let noisy = try Optimize.run(base + ["--noise", "0.2", "--noise-seed", "7"])
        #expect(noisy.status == 0)
        let noisyDraws = try draws(noisy.stdout)
        let changed = (0..<200).filter { clean[$0] != noisyDraws[$0] }
        #expect(changed.count == 40)
        #expect(noisyDraws.allSatisfy { $0 < 1000 })
        let reported = try #require(noisy.stderr.split(separator: "\n").first { $0.hasPrefix("noise:") })
        let indices = reported.split(separator: ":").last!.split(separator: ",").map {
            Int($0.trimmingCharacters(in: .whitespaces))!
        }
        #expect(indices == changed)
        #expect(try Optimize.run(base + ["--noise", "0.2", "--noise-seed", "7"]).stdout == noisy.stdout)
        #expect(try Optimize.run(base + ["--noise", "0.2", "--noise-seed", "8"]).stdout != noisy.stdout)
    }

    @Test("--out replaces the file atomically and leaves the draws out of standard output")
    func outputFile() throws {
        let directory = try Optimize.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("history.json")
        try Data("old".utf8).write(to: file)
        let result = try Optimize.run(["generate", "--prng", "pcg32", "--seed", "5", "--count", "4", "--out", file.path])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        #expect(try draws(String(contentsOf: file, encoding: .utf8)).count == 4)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["history.json"])
    }

    @Test("bad input: a clear message naming the option and the fix, a distinct status, files untouched",
          arguments: [
            (["--prng", "randu", "--seed", "1", "--count", "5"], Int32(10), "--prng"),
            (["--prng", "lcg32", "--param", "q=3", "--seed", "1", "--count", "5"], 11, "--param q"),
            (["--prng", "lcg32", "--param", "m=1", "--seed", "1", "--count", "5"], 11, "--param m"),
            (["--prng", "xorshift32", "--param", "a=32", "--seed", "1", "--count", "5"], 11, "--param a"),
            (["--prng", "lcg32", "--param", "m", "--seed", "1", "--count", "5"], 11, "--param m"),
            (["--prng", "mt19937", "--seed", "2^32", "--count", "5"], 12, "--seed"),
            (["--prng", "mt19937", "--seed=-1", "--count", "5"], 12, "--seed"),
            (["--prng", "mt19937", "--seed", "-1", "--count", "5"], 12, "--seed"),
            (["--prng", "mt19937", "--seed", "1", "--count", "-3"], 13, "--count"),
            (["--prng", "mt19937", "--seed", "1", "--count", "5", "--skip", "2^62"], 13, "--skip"),
            (["--prng", "lcg32", "--param", "m=2^33", "--seed", "1", "--count", "5"], 11, "--param m"),
            (["--prng", "mt19937", "--seed", "1", "--count", "0"], 13, "--count"),
            (["--prng", "mt19937", "--seed", "1", "--count", "5", "--modulus", "1"], 13, "--modulus"),
            (["--prng", "mt19937", "--seed", "1", "--count", "5", "--modulus", "4294967297"], 13, "--modulus"),
            (["--prng", "mt19937", "--seed", "1", "--count", "5", "--noise", "0.2"], 13, "--noise"),
            (["--prng", "mt19937", "--seed", "1", "--count", "5", "--noise", "1.5", "--noise-seed", "1"], 13, "--noise"),
            (["--prng", "mt19937", "--seed", "1", "--count", "5", "--noise-seed", "1"], 13, "--noise-seed"),
          ])
    func badInput(_ arguments: [String], _ status: Int32, _ source: String) throws {
        let directory = try Optimize.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("history.json")
        try Data("keep me".utf8).write(to: file)
        let result = try Optimize.run(["generate"] + arguments + ["--out", file.path])
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: \(source)"), "\(result.stderr)")
        #expect(result.stderr.contains("Fix: "), "\(result.stderr)")
        #expect(try String(contentsOf: file, encoding: .utf8) == "keep me")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["history.json"])
    }

    @Test("an output file in a missing directory is an unwritable-file error")
    func unwritableOutput() throws {
        let result = try Optimize.run(["generate", "--prng", "mt19937", "--seed", "1", "--count", "5", "--out", "/nonexistent/dir/h.json"])
        #expect(result.status == 21)
        #expect(result.stderr.contains("/nonexistent/dir/h.json"))
    }
}
