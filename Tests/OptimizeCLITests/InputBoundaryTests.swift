import Foundation
import Testing

/// Numbers from the user at their limits: every one ends in a refusal naming the option (or bounds
/// entry) and its status, never a trap; values that look like options are values.
@Suite("boundary values of numeric options")
struct InputBoundaryTests {
    static let intMax = "9223372036854775807"
    static let intMaxLess1 = "9223372036854775806"
    static let twoTo63 = "9223372036854775808"
    static let sieve = ["sieve", "--draws", "h.txt", "--prng", "philox4x32", "--skip", "0", "--threshold", "0.5",
                        "--seeds", "0..<1000", "--out", "run"]
    static let search = ["search", "--draws", "h.txt", "--prng", "java_lcg", "--seeds", "0..<1000", "--seed", "5", "--out", "run"]

    /// A scratch directory holding a history of 12 draws, h.txt.
    func scratch() throws -> URL {
        let directory = try Optimize.scratchDirectory()
        try Data((1...12).map { "\($0)\n" }.joined().utf8).write(to: directory.appendingPathComponent("h.txt"))
        return directory
    }

    func expectRefusal(_ arguments: [String], status: Int32, naming option: String, in directory: URL,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try Optimize.run(arguments, in: directory)
        #expect(result.status == status, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        if status != 0 {
            #expect(result.stderr.contains(option), "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.stderr.contains("Fix: "), "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test("sieve: --offset, --window, --reverse-window, --burn, --skip, --min-matches and --chunk-size at their limits",
          arguments: [
            (["--window", "2", "--offset", intMax], Int32(28), "--offset"),
            (["--window", "2", "--offset", intMaxLess1], 28, "--offset"),
            (["--window", "2", "--offset", twoTo63], 13, "--offset"),
            (["--window", "2", "--offset", "-1"], 28, "--offset"),
            (["--window", "2", "--offset", "0"], 0, ""),
            (["--window", intMax, "--offset", "0"], 28, "--window"),
            (["--window", intMax, "--offset", intMax], 28, "--window"),
            (["--window", intMaxLess1, "--offset", "2"], 28, "--window"),
            (["--window", twoTo63, "--offset", "0"], 13, "--window"),
            (["--window", "-1", "--offset", "0"], 28, "--window"),
            (["--window", "0", "--offset", "0"], 28, "--window"),
            (["--window", "2", "--offset", "4", "--reverse-window", intMax, "--reverse-min-matches", "1"], 28, "--reverse-window"),
            (["--window", "2", "--offset", "4", "--reverse-window", twoTo63, "--reverse-min-matches", "1"], 13, "--reverse-window"),
            (["--window", "2", "--offset", "4", "--reverse-min-matches", intMax], 15, "--reverse-threshold"),
            (["--window", "2", "--offset", "0", "--burn", "18446744073709551615"], 13, "--burn"),
            (["--window", "2", "--offset", "0", "--burn", intMax, "--skip", "0...255"], 0, ""),  // fits 64 bits; philox jumps there
            (["--window", "2", "--offset", "0", "--burn", "18446744073709551616"], 13, "--burn"),
            (["--window", "2", "--offset", "0", "--burn", "-1"], 13, "--burn"),
            (["--window", "2", "--offset", "0", "--burn", "18446744073709551615", "--reference-mode"], 13, "--burn"),
            (["--window", "2", "--offset", "0", "--skip", "4294967295"], 0, ""),
            (["--window", "2", "--offset", "0", "--skip", "4294967040...4294967295"], 0, ""),
            (["--window", "2", "--offset", "0", "--skip", "4294967296"], 14, "--skip"),
            (["--window", "2", "--offset", "0", "--skip", "-1"], 14, "--skip"),
            (["--window", "2", "--offset", "0", "--chunk-size", "18446744073709551615"], 0, ""),
          ] as [([String], Int32, String)])
    func sieveLimits(_ extra: [String], _ status: Int32, _ option: String) throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        var arguments = Self.sieve + extra
        if extra.contains("--skip") { arguments.removeSubrange(5...6) }
        if extra.contains("--reverse-min-matches") || extra.contains("--min-matches") { arguments.removeSubrange(arguments.firstIndex(of: "--threshold")!...(arguments.firstIndex(of: "--threshold")! + 1)) }
        if extra.contains("--reverse-min-matches") { arguments += ["--min-matches", "1"] }
        try expectRefusal(arguments, status: status, naming: option, in: directory)
    }

    @Test("search: --trials, --chunk-size, --chance-sample and --modulus at their limits",
          arguments: [
            (["--trials", twoTo63], Int32(13), "--trials"),
            (["--trials", "-1"], 13, "--trials"),
            (["--trials", "0"], 13, "--trials"),
            (["--trials", "1", "--chunk-size", "0"], 13, "--chunk-size"),
            (["--trials", "1", "--chance-sample", "18446744073709551616"], 13, "--chance-sample"),
            (["--trials", "1", "--modulus", "0"], 13, "--modulus"),
          ] as [([String], Int32, String)])
    func searchLimits(_ extra: [String], _ status: Int32, _ option: String) throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        try expectRefusal(Self.search + extra, status: status, naming: option, in: directory)
    }

    @Test("search bounds at their limits are refused with the bounds status (50), naming the entry",
          arguments: [
            (#"{"offset": 9223372036854775807}"#, "offset"),
            (#"{"offset": 9223372036854775806}"#, "offset"),
            (#"{"offset": {"low": 0, "high": 9223372036854775807}}"#, "offset"),
            (#"{"offset": {"low": -9223372036854775807, "high": 9223372036854775807}}"#, "offset"),
            (#"{"window_size": 9223372036854775807}"#, "window_size"),
            (#"{"window_size": {"low": 9223372036854775806, "high": 9223372036854775807}}"#, "window_size"),
            (#"{"burn": 18446744073709551615}"#, "burn"),
            (#"{"skip_min": {"low": -9223372036854775807, "high": 9223372036854775807}}"#, "skip_min"),
            (#"{"skip_max": 9223372036854775807}"#, "skip_max"),
            (#"{"skip_min": {"low": 0, "high": 4294967296}}"#, "skip_min"),
            (#"{"offset": {"low": 0, "high": 10, "step": 9223372036854775807}}"#, "offset"),
            (#"{"offset": 9223372036854775808}"#, "offset"),
            (#"{"offset": -1}"#, "offset"),
            (#"{"offset": 100}"#, "offset"),
          ])
    func boundsLimits(_ bounds: String, _ entry: String) throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(bounds.utf8).write(to: directory.appendingPathComponent("b.json"))
        let result = try Optimize.run(Self.search + ["--trials", "1", "--config", "b.json"], in: directory)
        #expect(result.status == 50, "\(bounds): \(result.stderr)")
        #expect(result.stderr.contains("b.json: ") && result.stderr.contains(entry), "\(bounds): \(result.stderr)")
        #expect(!result.stderr.contains("from 9223372036854775807 to 0"), "\(result.stderr)")
    }

    @Test("--modulus 0 and 1 are the modulus option's error (13), before the draws are read")
    func modulusZero() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        for modulus in ["0", "1", "4294967297"] {
            let sieve = try Optimize.run(Self.sieve + ["--window", "2", "--offset", "0", "--modulus", modulus], in: directory)
            #expect(sieve.status == 13, "\(sieve.stderr)")
            #expect(sieve.stderr.hasPrefix("error: --modulus: "), "\(sieve.stderr)")
            #expect(!sieve.stderr.contains("not below"), "\(sieve.stderr)")
            let missing = try Optimize.run(Self.sieve.map { $0 == "h.txt" ? "missing.txt" : $0 } + ["--window", "2", "--offset", "0", "--modulus", modulus], in: directory)
            #expect(missing.status == 13, "\(missing.stderr)")
        }
    }

    @Test("negative numbers are values: tell, --param-like values, thresholds")
    func negativeValues() throws {
        let directory = try Optimize.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let space = #"{"params": [{"name": "x", "type": "float", "low": -5, "high": 10}]}"#
        try Data(space.utf8).write(to: directory.appendingPathComponent("space.json"))
        #expect(try Optimize.run(["study", "new", "s", "--space", "space.json", "--direction", "minimize", "--seed", "1"], in: directory).status == 0)
        for (number, value) in [(0, "-3.5"), (1, "-1e-3"), (2, "-0"), (3, "-12")] {
            #expect(try Optimize.run(["ask", "s"], in: directory).status == 0)
            let told = try Optimize.run(["tell", "s", "\(number)", value], in: directory)
            #expect(told.status == 0, "\(value): \(told.stderr)")
        }
        #expect(try Optimize.run(["ask", "s"], in: directory).status == 0)
        let pruned = try Optimize.run(["tell", "s", "4", "-2.25", "--pruned", "--step", "3"], in: directory)
        #expect(pruned.status == 0, "\(pruned.stderr)")
        let negativeTrial = try Optimize.run(["tell", "s", "-1", "2"], in: directory)
        #expect(negativeTrial.status == 33, "\(negativeTrial.stderr)")
        #expect(negativeTrial.stderr.contains("trial -1"), "\(negativeTrial.stderr)")
        let notANumber = try Optimize.run(["tell", "s", "5", "-x"], in: directory)
        #expect(notANumber.status == 13, "\(notANumber.stderr)")
    }

    @Test("an integer space from Int.min to Int.max is valid, and its trials stay inside it")
    func widestIntegerSpace() throws {
        let directory = try Optimize.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let space = #"{"params": [{"name": "n", "type": "int", "low": -9223372036854775808, "high": 9223372036854775807}]}"#
        try Data(space.utf8).write(to: directory.appendingPathComponent("space.json"))
        let made = try Optimize.run(["study", "new", "s", "--space", "space.json", "--direction", "maximize", "--seed", "1"], in: directory)
        #expect(made.status == 0, "\(made.stderr)")
        for number in 0..<14 {
            let asked = try Optimize.run(["ask", "s"], in: directory)
            #expect(asked.status == 0, "\(asked.stderr)")
            #expect(try Optimize.run(["tell", "s", "\(number)", "\(number % 5)"], in: directory).status == 0)
        }
    }

    @Test("a seed range may end at 18446744073709551616 written in decimal, as 2^64")
    func decimalEnd() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        var arguments = Self.sieve + ["--window", "2", "--offset", "0", "--json"]
        arguments[arguments.firstIndex(of: "0..<1000")!] = "18446744073709550616..<18446744073709551616"
        arguments[arguments.firstIndex(of: "philox4x32")!] = "xorshift64"
        let decimal = try Optimize.run(arguments, in: directory)
        #expect(decimal.status == 0, "\(decimal.stderr)")
        arguments[arguments.firstIndex(of: "18446744073709550616..<18446744073709551616")!] = "18446744073709550616..<18446744073709551617"
        let beyond = try Optimize.run(arguments.map { $0 == "run" ? "run2" : $0 }, in: directory)
        #expect(beyond.status == 17, "\(beyond.stderr)")
    }

    @Test("export reads a moved history with --draws (it must be the same file), as resume does")
    func exportMovedHistory() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let searched = try Optimize.run(Self.search + ["--trials", "1"], in: directory)
        #expect(searched.status == 0, "\(searched.stderr)")
        try FileManager.default.moveItem(at: directory.appendingPathComponent("h.txt"), to: directory.appendingPathComponent("moved.txt"))
        let lost = try Optimize.run(["export", "run"], in: directory)
        #expect(lost.status != 0)
        #expect(lost.stderr.contains("--draws"), "\(lost.stderr)")
        let moved = try Optimize.run(["export", "run", "--draws", "moved.txt"], in: directory)
        #expect(moved.status == 0, "\(moved.stderr)")
        try Data("9\n".utf8).write(to: directory.appendingPathComponent("other.txt"))
        let other = try Optimize.run(["export", "run", "--draws", "other.txt", "--out", "x"], in: directory)
        #expect(other.status != 0 && other.status != 64, "\(other.stderr)")
    }
}
