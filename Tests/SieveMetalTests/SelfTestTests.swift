import Foundation
import Sieve
@testable import SieveMetal
import Testing

/// `optimize selftest`'s checks (``SelfTest``): they pass on a sound backend, on the CPU and on the
/// emulated device, and fail, with findings, on a backend that loses survivors or throws.
@Suite("Self-test")
struct SelfTestTests {
    /// Small enough for the tests: 12 random configurations, 4,096 seeds per bench workload.
    static let small = SelfTest.Configuration(randomCases: 12, benchSeeds: 4096)

    static let onCPU = SelfTest(backend: CPUSieveBackend(), configuration: small).run()

    @Test("on the CPU every check passes against the oracle, and dispatch sizing is skipped")
    func cpuPasses() {
        let report = Self.onCPU
        #expect(report.passed, "\(report.text.joined(separator: "\n"))")
        #expect(report.checks.map(\.id) == ["planted-seeds", "reference", "dispatch-sizing", "bench"])
        #expect(report.checks.map(\.status) == [.pass, .pass, .skipped, .pass])
        #expect(report.reference == "the plain oracle")
        #expect(report.checks[0].summary.hasPrefix("11 of 11 families"))
        #expect(report.checks[3].summary.contains("W1") && report.checks[3].summary.contains("W5"))
        #expect(report.text.last?.hasPrefix("verdict: PASS") == true)
        #expect(report.text.count <= 24, "more than one screen")
    }

    @Test("on the Metal backend every check passes against the CPU backend, with the dispatches counted",
          .enabled(if: BackendTestDevice.available, "\(BackendTestDevice.unavailable)"),
          .disabled(if: UntrustedGPU.isFlagged, "\(UntrustedGPU.reason)"))
    func metalPasses() throws {
        var configuration = Self.small
        configuration.benchWorkloads = ["W2", "W5"]
        let report = SelfTest(backend: try BackendTestDevice.backend(), configuration: configuration).run()
        #expect(report.passed, "\(report.text.joined(separator: "\n"))")
        #expect(report.reference == "the CPU backend")
        let sizing = try #require(report.checks.first { $0.id == "dispatch-sizing" })
        // The emulated device's times are the CPU's: the check reports them and skips the limit.
        #expect(sizing.status == (report.backend == "metal (emulated)" ? .skipped : .pass), "\(sizing.summary)")
        // At least one dispatch per workload ran (how many depends on whether the plan's class
        // table was already sieved, by this process, for another caller).
        let dispatches = sizing.figures.first { $0.key == "dispatches" }?.value
        #expect(dispatches.map { if case .integer(let n) = $0 { n >= 1 } else { false } } == true, "\(sizing.summary)")
    }

    @Test("a backend that loses its survivors fails the planted seeds and the reference, and the verdict says to report it")
    func losingBackendFails() throws {
        var configuration = Self.small
        configuration.benchWorkloads = ["W2"]
        let report = SelfTest(backend: LosingBackend(), configuration: configuration).run()
        #expect(!report.passed)
        let planted = try #require(report.checks.first { $0.id == "planted-seeds" })
        #expect(planted.status == .fail)
        #expect(planted.findings.count == 11)
        #expect(planted.findings.allSatisfy { $0.hasSuffix("the planted seed is not a survivor") })
        let reference = try #require(report.checks.first { $0.id == "reference" })
        #expect(reference.status == .fail)
        #expect(reference.findings.first?.contains("the reference has") == true, "\(reference.findings)")
        #expect(report.verdict.hasPrefix("FAIL (planted seeds, against the reference)"))
        #expect(report.verdict.contains("optimize selftest --json"))
    }

    @Test("a backend that throws fails every check it runs with the error, and the run still reports")
    func throwingBackendFails() throws {
        var configuration = Self.small
        configuration.benchWorkloads = ["W2"]
        let report = SelfTest(backend: ThrowingBackend(), configuration: configuration).run()
        #expect(!report.passed)
        for id in ["planted-seeds", "reference", "bench"] {
            let check = try #require(report.checks.first { $0.id == id })
            #expect(check.status == .fail, "\(id)")
            #expect(check.findings.first?.contains("the test device is unplugged") == true, "\(id): \(check.findings)")
        }
    }

    @Test("on a GPU a dispatch at or over the limit fails dispatch sizing; under it passes",
          .enabled(if: BackendTestDevice.available, "\(BackendTestDevice.unavailable)"),
          .disabled(if: UntrustedGPU.isFlagged, "\(UntrustedGPU.reason)"))
    func dispatchLimit() throws {
        let selfTest = SelfTest(backend: try BackendTestDevice.backend(), configuration: Self.small)
        var slow = MetalSieveBackend.Statistics()
        slow.dispatches = 3
        slow.gpuSeconds = 2.4
        slow.longestDispatchSeconds = 1.5
        var fast = slow
        fast.gpuSeconds = 0.2
        fast.longestDispatchSeconds = 0.09
        let failing = selfTest.dispatchSizing([("W1", fast), ("W4", slow)], emulated: false)
        #expect(failing.status == .fail)
        #expect(failing.findings == ["W4: a dispatch of 1500 ms"])
        #expect(failing.summary == "6 dispatches, mean 433.3 ms, longest 1500.0 ms (limit 1000 ms)")
        #expect(selfTest.dispatchSizing([("W1", fast)], emulated: false).status == .pass)
        #expect(selfTest.dispatchSizing([("W1", fast)], emulated: true).status == .skipped)
        #expect(selfTest.dispatchSizing([], emulated: false).findings == ["the bench workloads made no dispatch"])
    }

    @Test("the JSON report holds the verdict, the machine, the backend and every check's figures")
    func jsonReport() throws {
        let text = Self.onCPU.json.prettyText
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(document["schema"] as? Int == 1)
        #expect(document["verdict"] as? String == "pass")
        #expect(document["backend"] as? String == "cpu")
        #expect((document["platform"] as? String)?.contains("cores") == true)
        let checks = try #require(document["checks"] as? [[String: Any]])
        #expect(checks.map { $0["status"] as? String } == ["pass", "pass", "skipped", "pass"])
        let reference = try #require(checks[1]["figures"] as? [String: Any])
        #expect(reference["cases"] as? Int == 12)
        let bench = try #require(checks[3]["figures"] as? [String: Any])
        #expect((bench["results"] as? [[String: Any]])?.map { $0["workload"] as? String } == ["W1", "W2", "W3", "W4", "W5"])
    }
}

/// A backend that finds nothing: what a broken kernel looks like from the host.
private struct LosingBackend: SieveBackend {
    var name: String { "losing" }
    func survivors(of plan: SievePlan, seeds: SeedRange) throws -> [SurvivorRecord] { [] }
}

/// A backend whose every call fails, as a GPU that stopped responding does.
private struct ThrowingBackend: SieveBackend {
    struct Unplugged: Error, CustomStringConvertible {
        var description: String { "the test device is unplugged" }
    }
    var name: String { "throwing" }
    func survivors(of plan: SievePlan, seeds: SeedRange) throws -> [SurvivorRecord] { throw Unplugged() }
}
