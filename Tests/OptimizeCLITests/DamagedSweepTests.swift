import Foundation
import Testing

/// Damage is never read as data: every reader of a sweep's survivors (`survivors`, a rerun of a
/// complete `sieve`, `merge`, `summarize`, `export`) checks survivors.bin against the journal and
/// the summary, and refuses a damaged directory with status 41, naming the file.
@Suite("damaged sweeps are refused by every reader", .serialized)
struct DamagedSweepTests {
    enum Damage: String, CaseIterable, CustomStringConvertible {
        /// survivors.bin one record short of what the journal records.
        case truncated
        /// One byte of the first record flipped.
        case flippedByte
        /// A checksum-valid journal line claiming chunk 7 right after chunk 1.
        case chunkOutOfSequence
        /// A checksum-valid last journal line claiming one more record than the file holds.
        case bytesBeyondFile

        var description: String { rawValue }
        /// The file the refusal must name.
        var file: String { self == .truncated || self == .flippedByte ? "survivors.bin" : "chunks.journal" }
    }

    static func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// A journal line for `json`, with a valid checksum.
    static func line(_ json: String) -> String {
        String(format: "%08x", crc32(json.utf8)) + " " + json + "\n"
    }

    /// Replaces the integer field `key` of a compact JSON record.
    static func replacing(_ key: String, in json: String, _ change: (Int) -> Int) -> String {
        let marker = "\"\(key)\":"
        guard let range = json.range(of: marker) else { Issue.record("no \(key) in \(json)"); return json }
        let digits = json[range.upperBound...].prefix { $0.isNumber }
        let value = Int(digits)!
        return json.replacingCharacters(in: range.upperBound..<json.index(range.upperBound, offsetBy: digits.count),
                                        with: String(change(value)))
    }

    /// Damages the sweep in `sweep` (at least 3 chunks, at least 1 survivor in its first).
    static func damage(_ sweep: URL, _ damage: Damage) throws {
        let survivors = sweep.appendingPathComponent("survivors.bin")
        let journalURL = sweep.appendingPathComponent("chunks.journal")
        var lines = try String(contentsOf: journalURL, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count >= 3)
        switch damage {
        case .truncated:
            let handle = try FileHandle(forWritingTo: survivors)
            let size = try handle.seekToEnd()
            #expect(size >= 40)
            try handle.truncate(atOffset: size - 40)
            try handle.close()
        case .flippedByte:
            var bytes = try Data(contentsOf: survivors)
            #expect(bytes.count >= 40)
            bytes[9] ^= 0x40  // inside the first record's seed... or its counts: either way not what was written
            try bytes.write(to: survivors)
        case .chunkOutOfSequence:
            let json = String(lines[2].dropFirst(9))
            lines[2] = String(Self.line(Self.replacing("chunk", in: json) { _ in 7 }).dropLast())
            try (lines.joined(separator: "\n") + "\n").write(to: journalURL, atomically: false, encoding: .utf8)
        case .bytesBeyondFile:
            var json = String(lines[lines.count - 1].dropFirst(9))
            json = Self.replacing("records", in: json) { $0 + 1 }
            json = Self.replacing("bytes", in: json) { $0 + 40 }
            lines[lines.count - 1] = String(Self.line(json).dropLast())
            try (lines.joined(separator: "\n") + "\n").write(to: journalURL, atomically: false, encoding: .utf8)
        }
    }

    func expectRefused(_ result: CommandResult, _ damage: Damage, _ reader: String) {
        #expect(result.status == 41, "\(reader), \(damage): status \(result.status), \(result.stderr)")
        #expect(result.stderr.contains(damage.file), "\(reader), \(damage): \(result.stderr)")
    }

    /// A planted java_lcg history in a scratch directory.
    func history() throws -> URL {
        let directory = try Optimize.scratchDirectory()
        let result = try Optimize.run(
            ["generate", "--prng", "java_lcg", "--seed", "100003", "--count", "120", "--skip", "3", "--burn", "11",
             "--noise", "0.2", "--noise-seed", "9", "--out", "h.json"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        return directory
    }

    func sieve(out: String, extra: [String] = []) -> [String] {
        ["sieve", "--draws", "h.json", "--prng", "java_lcg", "--window", "10", "--offset", "30", "--reverse-window", "10",
         "--skip", "0...6", "--min-matches", "2", "--reverse-min-matches", "1", "--burn", "11", "--seeds", "0..<300000",
         "--chunk-size", "50000", "--out", out] + extra
    }

    @Test("survivors, a rerun of the complete sieve, and merge refuse each damage with status 41 and the file",
          arguments: Damage.allCases)
    func sweepReaders(_ damage: Damage) throws {
        let directory = try history()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try Optimize.run(sieve(out: "run"), in: directory).status == 0)
        for i in 0..<2 {
            #expect(try Optimize.run(sieve(out: "part\(i)", extra: ["--shard", "\(i)/2"]), in: directory).status == 0)
        }
        try Self.damage(directory.appendingPathComponent("run"), damage)
        try Self.damage(directory.appendingPathComponent("part1"), damage)
        expectRefused(try Optimize.run(["survivors", "run"], in: directory), damage, "survivors")
        expectRefused(try Optimize.run(["survivors", "run", "--format", "csv"], in: directory), damage, "survivors --format csv")
        expectRefused(try Optimize.run(sieve(out: "run"), in: directory), damage, "sieve (complete)")
        expectRefused(try Optimize.run(sieve(out: "run", extra: ["--json"]), in: directory), damage, "sieve --json (complete)")
        expectRefused(try Optimize.run(["merge", "part0", "part1", "--out", "merged"], in: directory), damage, "merge")
    }

    @Test("a sweep stopped before its end and damaged is refused when resumed", arguments: Damage.allCases)
    func resumedSweep(_ damage: Damage) throws {
        let directory = try history()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try Optimize.run(sieve(out: "run"), in: directory).status == 0)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("run/summary.json"))
        try Self.damage(directory.appendingPathComponent("run"), damage)
        expectRefused(try Optimize.run(sieve(out: "run"), in: directory), damage, "sieve (resume)")
    }

    @Test("summarize and export refuse a damaged trial sweep with status 41 and the file", arguments: Damage.allCases)
    func runReaders(_ damage: Damage) throws {
        let directory = try history()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bounds = """
            {"window_size": {"low": 4, "high": 16}, "offset": {"low": 16, "high": 100},
             "skip_min": {"low": 0, "high": 3}, "skip_max": {"low": 3, "high": 10},
             "forward_threshold": {"low": 0.1, "high": 0.15, "step": 0.01},
             "reverse_threshold": {"low": 0.1, "high": 0.15, "step": 0.01}}
            """
        try Data(bounds.utf8).write(to: directory.appendingPathComponent("bounds.json"))
        let search = try Optimize.run(
            ["search", "--draws", "h.json", "--prng", "java_lcg", "--seeds", "0..<131072", "--trials", "4", "--seed", "5",
             "--out", "run", "--config", "bounds.json", "--chunk-size", "8192", "--chance-sample", "65536"], in: directory)
        #expect(search.status == 0, "\(search.stderr)")
        let best = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: directory.appendingPathComponent("run/best.json"))) as? [String: Any])
        let trial = try #require(best["best_trial_number"] as? Int)
        let sweep = directory.appendingPathComponent(String(format: "run/trials/%05d", trial))
        // Low thresholds, so that the best trial has survivors to damage.
        #expect(try Data(contentsOf: sweep.appendingPathComponent("survivors.bin")).count >= 40)
        try Self.damage(sweep, damage)
        expectRefused(try Optimize.run(["summarize", "run", "--json"], in: directory), damage, "summarize --json")
        expectRefused(try Optimize.run(["summarize", "run"], in: directory), damage, "summarize")
        expectRefused(try Optimize.run(["export", "run", "--out", "exported"], in: directory), damage, "export")
        expectRefused(try Optimize.run(["survivors", "run/trials/" + String(format: "%05d", trial)], in: directory),
                      damage, "survivors (trial)")
    }
}
