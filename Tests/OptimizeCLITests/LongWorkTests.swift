import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Work that cannot finish is refused up front; work that can is stopped by SIGINT or SIGTERM
/// within a second, whatever phase it is in, and resumes to the files of an uninterrupted run.
@Suite("long work: refused up front, stopped within a second", .serialized)
struct LongWorkTests {
    /// An mt19937 history (M = 1000) in a scratch directory.
    func mtHistory() throws -> URL {
        let directory = try Optimize.scratchDirectory()
        let result = try Optimize.run(
            ["generate", "--prng", "mt19937", "--seed", "31337", "--count", "40", "--modulus", "1000", "--out", "h.json"],
            in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        return directory
    }

    func sieve(out: String, burn: String, seeds: String, extra: [String] = []) -> [String] {
        ["sieve", "--draws", "h.json", "--prng", "mt19937", "--modulus", "1000", "--window", "10", "--offset", "5",
         "--skip", "0...0", "--min-matches", "3", "--burn", burn, "--seeds", seeds, "--out", out] + extra
    }

    /// Waits up to `limit` seconds for `process` to exit; kills it (and reports `nil`) past that.
    func exitTime(_ process: Process, limit: Double) -> Double? {
        let signalled = Date()
        while process.isRunning {
            if Date().timeIntervalSince(signalled) > limit {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return nil
            }
            usleep(10_000)
        }
        return Date().timeIntervalSince(signalled)
    }

    @Test("a stream no run can walk (mt19937, --burn 2^41) is refused with status 13, an estimate and the fix; nothing is written")
    func refusedUpFront() throws {
        let directory = try mtHistory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let started = Date()
        let result = try Optimize.run(sieve(out: "run", burn: "2^41", seeds: "0..<2^20"), in: directory)
        #expect(result.status == 13, "\(result.stderr)")
        #expect(result.stderr.contains("--burn"))
        #expect(result.stderr.contains("per seed") && result.stderr.contains("Fix:"), "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("run").path))
        // Total work: 2^32 seeds of 2^30 outputs each.
        let total = try Optimize.run(sieve(out: "run", burn: "2^30", seeds: "0..<2^32"), in: directory)
        #expect(total.status == 13, "\(total.stderr)")
        #expect(total.stderr.contains("--seeds") && total.stderr.contains("would take about"), "\(total.stderr)")
    }

    @Test("SIGTERM inside a chunk that takes hours exits with 143 within a second or two")
    func stopsInsideALongChunk() throws {
        let directory = try mtHistory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // One chunk of 2^20 seeds, 2^20 outputs each: hours of work at -O0.
        let process = try Optimize.start(sieve(out: "long", burn: "2^20", seeds: "0..<2^20"), in: directory)
        usleep(1_500_000)
        #expect(process.isRunning)
        kill(process.processIdentifier, SIGTERM)
        let seconds = exitTime(process, limit: 10)
        #expect(seconds != nil && seconds! < 3, "exit \(seconds.map { "after \($0) s" } ?? "not within 10 s")")
        #expect(process.terminationReason == .exit && process.terminationStatus == 143)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("long/summary.json").path))
    }

    @Test("stopped mid-chunk by SIGTERM, the same command resumes to the files of an uninterrupted run")
    func stoppedMidChunkResumesIdentically() throws {
        let directory = try mtHistory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = { (out: String) in self.sieve(out: out, burn: "4000", seeds: "0..<400000", extra: ["--chunk-size", "200000"]) }
        let started = Date()
        let reference = try Optimize.run(arguments("reference"), in: directory)
        #expect(reference.status == 0, "\(reference.stderr)")
        let whole = Date().timeIntervalSince(started)
        let process = try Optimize.start(arguments("stopped"), in: directory)
        usleep(UInt32(min(2.0, whole / 4) * 1e6))  // inside the first chunk
        kill(process.processIdentifier, SIGTERM)
        let seconds = exitTime(process, limit: 60)
        #expect(seconds != nil && seconds! < 3, "exit \(seconds.map { "after \($0) s" } ?? "not within 60 s")")
        #expect(process.terminationStatus == 143)
        #expect(try Optimize.run(arguments("stopped"), in: directory).status == 0)
        for name in ["survivors.bin", "chunks.journal", "summary.json"] {
            let stopped = try Data(contentsOf: directory.appendingPathComponent("stopped/\(name)"))
            let uninterrupted = try Data(contentsOf: directory.appendingPathComponent("reference/\(name)"))
            #expect(stopped == uninterrupted, "\(name)")
        }
    }
}
