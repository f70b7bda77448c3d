import Foundation
import Testing

/// Choices are ArgumentParser values: `--help` lists them and an unknown one is a usage error (64)
/// that names them. Cross-option checks run in `validate()`, yet exit with the project's statuses.
@Suite("usage errors and cross-option checks")
struct UsageErrorTests {
    static let sieve = ["sieve", "--draws", "h.txt", "--prng", "mt19937", "--window", "2", "--offset", "0", "--skip", "0",
                        "--seeds", "0..<1000", "--out", "run"]
    static let search = ["search", "--draws", "h.txt", "--prng", "java_lcg", "--seeds", "0..<1000", "--trials", "1",
                         "--seed", "5", "--out", "run"]
    static let generate = ["generate", "--prng", "mt19937", "--seed", "1", "--count", "5", "--out", "g.json"]

    /// A scratch directory holding a small history, h.txt.
    func scratch() throws -> URL {
        let directory = try Optimize.scratchDirectory()
        try Data("1\n2\n3\n4\n5\n6\n".utf8).write(to: directory.appendingPathComponent("h.txt"))
        return directory
    }

    @Test("an unknown value is a usage error (64) naming the option and every allowed value; nothing is written",
          arguments: [
            (UsageErrorTests.search + ["--backend", "gpu"], "'gpu' is invalid for '--backend <backend>'", "'auto', 'metal' or 'cpu'"),
            (UsageErrorTests.search + ["--objective", "best"], "'best' is invalid for '--objective <objective>'", "'significance', 'count' or 'band'"),
            (UsageErrorTests.search + ["--draws-format", "xml"], "'xml' is invalid for '--draws-format <format>'", "'json', 'csv' or 'text'"),
            (UsageErrorTests.sieve + ["--threshold", "0.5", "--draws-format", "xml"], "'xml' is invalid for '--draws-format <format>'", "'json', 'csv' or 'text'"),
            (UsageErrorTests.generate + ["--format", "xml"], "'xml' is invalid for '--format <format>'", "'json', 'csv' or 'text'"),
            (["study", "new", "run", "--space", "h.txt", "--direction", "down", "--seed", "1"],
             "'down' is invalid for '--direction <direction>'", "'minimize' and 'maximize'"),
            (["survivors", "run", "--format", "xml"], "'xml' is invalid for '--format <format>'", "'json' and 'csv'"),
            (["survivors", "run", "--only", "both"], "'both' is invalid for '--only <test>'", "'forward', 'reverse' or 'bidirectional'"),
            (["resume", "run", "--backend", "gpu"], "'gpu' is invalid for '--backend <backend>'", "'auto', 'metal' or 'cpu'"),
          ])
    func unknownValue(_ arguments: [String], _ problem: String, _ values: String) throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Optimize.run(arguments, in: directory)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("Error: The value \(problem). Please provide one of \(values)."), "\(result.stderr)")
        #expect(result.stderr.contains("Usage: optimize "), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["h.txt"])
    }

    @Test("an unknown workload is a usage error (64) that lists every workload, standard and trial")
    func unknownWorkload() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Optimize.run(["bench", "--only", "W2,W9"], in: directory)
        #expect(result.status == 64, "\(result.stderr)")
        let ids = ["W1", "W2", "W3", "W4", "W5", "T-java", "T-mt", "T-xs32", "T-xs64", "T-xs128", "T-pcg32", "T-lcg32", "T-minstd",
                   "T-xoshiro", "T-philox", "T-sfc64"]
        let expected = "Error: The value 'W2,W9' is invalid for '--only <ids>'. Please provide one of the following:\n"
            + ids.map { "  - \($0)\n" }.joined()
        #expect(result.stderr.hasPrefix(expected), "\(result.stderr)")
        #expect(result.stderr.contains("Usage: optimize "), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["h.txt"])
    }

    @Test("choices are case-insensitive where they were before (backend, formats, direction)")
    func caseInsensitive() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Optimize.run(["generate", "--prng", "mt19937", "--seed", "1", "--count", "2", "--format", "CSV"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("draw,session\n"), "\(result.stdout)")
    }

    @Test("a failed validate() check exits with the project's status, not 64: one line, the option and the fix",
          arguments: [
            (UsageErrorTests.search + ["--objective", "band"], Int32(13), "--band: missing for --objective band"),
            (UsageErrorTests.search + ["--band", "1...5"], 13, "--band: given with --objective significance"),
            (UsageErrorTests.search + ["--objective", "count", "--band", "1...5"], 13, "--band: given with --objective count"),
            (UsageErrorTests.sieve, 15, "--threshold: no forward threshold given"),
            (UsageErrorTests.sieve + ["--threshold", "0.5", "--min-matches", "1"], 15, "--threshold: both --threshold and --min-matches given"),
            (UsageErrorTests.sieve + ["--min-matches", "1", "--reverse-threshold", "0.5", "--reverse-min-matches", "1"], 15,
             "--reverse-threshold: both --reverse-threshold and --reverse-min-matches given"),
            (UsageErrorTests.sieve + ["--min-matches", "1", "--full-reverse"], 13, "--full-reverse: given without a reverse threshold"),
            (UsageErrorTests.generate + ["--noise", "0.2"], 13, "--noise: noise needs a seed of its own"),
            (UsageErrorTests.generate + ["--noise-seed", "1"], 13, "--noise-seed: given without --noise"),
            (["summarize", "run", "--top", "-1"], 13, "--top: -1 trials"),
            (["tell", "run", "1"], 13, "VALUE: no value given for trial 1"),
            (["tell", "run", "1", "2.5", "--failed"], 13, "--failed: given with a value or --pruned"),
          ])
    func validateFailure(_ arguments: [String], _ status: Int32, _ message: String) throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Optimize.run(arguments, in: directory)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: \(message)"), "\(result.stderr)")
        #expect(result.stderr.contains("Fix: ") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["h.txt"])
    }

    @Test("--help wins over a failed check: the help, status 0, no error line")
    func helpWins() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Optimize.run(Self.search + ["--objective", "band", "--help"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("USAGE: optimize search"), "\(result.stdout)")
        #expect(!result.stderr.contains("error:"), "\(result.stderr)")
    }

    @Test("--help lists each choice's values")
    func helpListsValues() throws {
        func flattened(_ text: String) -> String {
            text.replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
        }
        let search = try Optimize.run(["search", "--help"])
        #expect(search.status == 0)
        for values in ["(values: json, csv, text)", "(values: significance, count, band; default: significance)",
                       "(values: auto, metal, cpu; default: auto)"] {
            #expect(flattened(search.stdout).contains(values), "\(values): \(search.stdout)")
        }
        let bench = try Optimize.run(["bench", "--help"])
        #expect(flattened(bench.stdout).contains("(values: W1, W2, W3, W4, W5, T-java, T-mt, T-xs32, T-xs64, T-xs128, T-pcg32, T-lcg32, T-minstd, T-xoshiro, T-philox, T-sfc64)"), "\(bench.stdout)")
    }
}

/// Scripts read the exit statuses from `optimize --help`: each status is listed once.
@Suite("the exit statuses in --help")
struct ExitStatusHelpTests {
    @Test("--help lists every exit status once, with all of its meanings")
    func eachStatusOnce() throws {
        let result = try Optimize.run(["--help"])
        #expect(result.status == 0)
        // ArgumentParser wraps the overview: join its lines before reading the list.
        let text = result.stdout.split(separator: "\n").joined(separator: " ")
        let list = try #require(text.range(of: "Exit statuses: ").map { text[$0.upperBound...] })
        let entries = list.prefix { $0 != "." }.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let codes = entries.compactMap { $0.split(separator: " ").first.flatMap { Int($0) } }
        #expect(codes.count == entries.count, "\(entries)")
        #expect(Set(codes).count == codes.count, "a status listed twice: \(entries)")
        #expect(entries.contains { $0.hasPrefix("70 ") && $0.contains("internal error") && $0.contains("GPU failure") }, "\(entries)")
        #expect(codes == codes.sorted(), "\(codes)")
    }
}
