import Foundation
import Testing

/// `optimize selftest` on the command line: the one-screen report, the JSON report, and its exit
/// statuses. Small counts: nothing here measures speed.
@Suite("selftest")
struct SelfTestCommandTests {
    @Test("on the CPU it passes every check, prints one screen ending in the verdict, and exits 0")
    func textReport() throws {
        let result = try Optimize.run(["selftest", "--backend", "cpu", "--cases", "8", "--seeds", "4096"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("optimize ") == true && lines.first?.contains(" selftest on ") == true, "\(lines)")
        for (status, title) in [("PASS", "planted seeds"), ("PASS", "against the reference"), ("SKIPPED", "dispatch sizing"),
                                ("PASS", "bench --quick")] {
            #expect(lines.contains { $0.hasPrefix(status) && $0.contains(title) }, "\(status) \(title): \(result.stdout)")
        }
        #expect(lines.last == "verdict: PASS: the cpu backend gives the plain oracle's results on this machine")
        #expect(result.stderr.contains("running planted seeds…"))
    }

    @Test("--json prints one document with the verdict and every check")
    func jsonReport() throws {
        let result = try Optimize.run(["selftest", "--backend", "cpu", "--cases", "4", "--seeds", "4096", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(document["verdict"] as? String == "pass")
        #expect(document["reference"] as? String == "the plain oracle")
        let checks = try #require(document["checks"] as? [[String: Any]])
        #expect(checks.map { $0["id"] as? String } == ["planted-seeds", "reference", "dispatch-sizing", "bench"])
    }

    @Test("on the Metal backend (the emulated device on Linux) it holds the kernels to the CPU backend", .disabled(if: Optimize.untrustedGPU, "\(Optimize.untrustedGPUReason)"))
    func emulatedMetal() throws {
        let result = try Optimize.run(["selftest", "--backend", "metal", "--cases", "4", "--seeds", "4096", "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                                    "\(result.stderr)")
        #expect(document["reference"] as? String == "the CPU backend")
        #expect(document["verdict"] as? String == "pass", "\(result.stdout)")
        #expect(result.status == 0)
    }

    @Test("bad counts are option errors (status 13); a failed check's status 5 is listed in --help")
    func statuses() throws {
        #expect(try Optimize.run(["selftest", "--backend", "cpu", "--cases", "0"]).status == 13)
        #expect(try Optimize.run(["selftest", "--backend", "cpu", "--seeds", "0"]).status == 13)
        let help = try Optimize.run(["--help"]).stdout.split(separator: "\n").joined(separator: " ")
        #expect(help.contains("5 selftest: a check failed"), "\(help)")
    }
}
