import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--backend auto|metal|cpu`: chosen, printed, recorded, and without effect on the results.
@Suite("--backend", .serialized)
struct BackendOptionTests {
    /// Whether this platform has Metal.framework (else `metal` means the emulation).
    static var hasMetal: Bool {
        #if canImport(Metal)
        true
        #else
        false
        #endif
    }

    func history() throws -> URL {
        let directory = try Optimize.scratchDirectory()
        let result = try Optimize.run(
            ["generate", "--prng", "java_lcg", "--seed", "4242", "--count", "60", "--skip", "2", "--burn", "5",
             "--noise", "0.1", "--noise-seed", "3", "--out", "h.json"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        return directory
    }

    func sieve(_ out: String, _ backend: String?, seeds: String = "0..<300000", extra: [String] = []) -> [String] {
        ["sieve", "--draws", "h.json", "--prng", "java_lcg", "--window", "10", "--offset", "20", "--reverse-window", "10",
         "--skip", "0...4", "--min-matches", "2", "--reverse-min-matches", "1", "--burn", "5", "--seeds", seeds,
         "--out", out, "--json"] + (backend.map { ["--backend", $0] } ?? []) + extra
    }

    func file(_ directory: URL, _ run: String, _ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(run).appendingPathComponent(name))
    }

    @Test("metal, cpu and auto give byte-identical sweeps; each says and records which backend ran", .disabled(if: Optimize.untrustedGPU, "\(Optimize.untrustedGPUReason)"))
    func sameResultsOnEveryBackend() throws {
        let directory = try history()
        defer { try? FileManager.default.removeItem(at: directory) }
        var recorded: [String: String] = [:]
        for backend in ["cpu", "metal", "auto"] {
            let result = try Optimize.run(sieve(backend, backend), in: directory)
            #expect(result.status == 0, "\(backend): \(result.stderr)")
            let line = try #require(result.stderr.split(separator: "\n").first { $0.hasPrefix("backend: ") }, "\(result.stderr)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let parameters = try #require(document["parameters"] as? [String: Any])
            recorded[backend] = parameters["backend"] as? String
            #expect(line.contains(recorded[backend] == "metal (emulated)" ? "metal (emulated" : recorded[backend] ?? "?"),
                    "\(line)")
        }
        #expect(recorded["cpu"] == "cpu")
        #expect(recorded["metal"] == (Self.hasMetal ? "metal" : "metal (emulated)"))
        #expect(recorded["auto"] == "cpu" || Self.hasMetal)
        for name in ["survivors.bin", "chunks.journal", "summary.json"] {
            #expect(try file(directory, "metal", name) == file(directory, "cpu", name), "\(name)")
            #expect(try file(directory, "auto", name) == file(directory, "cpu", name), "\(name)")
        }
    }

    @Test("a sweep interrupted on one backend resumes on another and ends byte-identical", .disabled(if: Optimize.untrustedGPU, "\(Optimize.untrustedGPUReason)"))
    func resumedOnAnotherBackend() throws {
        let directory = try history()
        defer { try? FileManager.default.removeItem(at: directory) }
        let chunked = ["--chunk-size", "100000"]
        let seeds = "0..<3000000"
        #expect(try Optimize.run(sieve("reference", "cpu", seeds: seeds, extra: chunked), in: directory).status == 0)
        let process = try Optimize.start(sieve("moved", "metal", seeds: seeds, extra: chunked), in: directory)
        usleep(1_500_000)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect([0, 130].contains(process.terminationStatus))
        let resumed = try Optimize.run(sieve("moved", "cpu", seeds: seeds, extra: chunked), in: directory)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        for name in ["survivors.bin", "chunks.journal", "summary.json"] {
            #expect(try file(directory, "moved", name) == file(directory, "reference", name), "\(name)")
        }
    }

    @Test("an unknown backend is a usage error that names the backends")
    func unknownBackend() throws {
        let directory = try history()
        defer { try? FileManager.default.removeItem(at: directory) }
        for command in [sieve("x", "gpu"), ["bench", "--backend", "gpu"]] {
            let result = try Optimize.run(command, in: directory)
            #expect(result.status == 64, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("Error: The value 'gpu' is invalid for '--backend <backend>'"), "\(result.stderr)")
            #expect(result.stderr.contains("Please provide one of 'auto', 'metal' or 'cpu'"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("x").path))
        }
    }

    @Test("bench --backend metal reports the same workloads, with its dispatches", .disabled(if: Optimize.untrustedGPU, "\(Optimize.untrustedGPUReason)"))
    func benchOnMetal() throws {
        let result = try Optimize.run(["bench", "--backend", "metal", "--only", "W2,W5", "--seeds", "20000", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(document["backend"] as? String == (Self.hasMetal ? "metal" : "metal (emulated)"))
        let results = try #require(document["results"] as? [[String: Any]])
        #expect(results.map { $0["workload"] as? String } == ["W2", "W5"])
        for entry in results {
            #expect(entry["seeds"] as? Int == 20_000)
            #expect(entry["backend"] as? String == document["backend"] as? String)
            let dispatches = try #require(entry["dispatches"] as? [String: Any])
            #expect((dispatches["count"] as? Int ?? 0) >= 1)
        }
        let cpu = try Optimize.run(["bench", "--backend", "cpu", "--only", "W2", "--seeds", "20000"])
        #expect(cpu.status == 0, "\(cpu.stderr)")
        #expect(cpu.stdout.hasPrefix("backend: cpu (requested"), "\(cpu.stdout)")
    }
}
