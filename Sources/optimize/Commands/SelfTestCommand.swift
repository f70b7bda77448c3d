import ArgumentParser
import Foundation
import Sieve
import SieveMetal

/// `optimize selftest`: what to run once on a new machine, or after an upgrade, before trusting it
/// with a week-long run (``SelfTest``).
struct SelfTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest",
        abstract: "Check this machine's backend before a long run: planted seeds, random configurations against a reference, dispatch sizing, bench --quick.",
        discussion: """
            Four checks, each run to its end: (1) every family's planted seed, found at its skip and alone, through \
            the backend; (2) random configurations (every family, moduli 2 to 2^32, reverse windows, reference \
            mode) whose survivors and counts must equal the reference's: the CPU backend for Metal, the plain \
            oracle for the CPU; (3) on Metal, the longest dispatch of the bench workloads under 1 s (the sizer aims \
            at 75 ms; the display's watchdog stops command buffers after a few seconds); (4) the standard workloads \
            W1-W5 at bench --quick's seed counts. One screen of results and a verdict, or with --json one \
            document to attach to a bug report. Exit status 0 when every check passed, 5 when one failed. On \
            Linux, --backend metal runs the emulated device (slow: give --seeds to keep the bench short).
            """)

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Random configurations held to the reference.", valueName: "n"))
    var cases: Int = 100

    @Option(help: ArgumentHelp("Seeds per bench workload, instead of bench --quick's counts.", valueName: "n"))
    var seeds: String?

    @OptionGroup var backendOptions: BackendOptions

    func run() throws {
        var passed = true
        try reportingErrors {
            guard cases >= 1 else {
                throw InputError(.invalidOption, source: "--cases", problem: "\(cases) configurations", fix: "give at least 1")
            }
            var configuration = SelfTest.Configuration(randomCases: cases)
            if let seeds {
                let count = try parseUnsignedInteger(seeds, option: "--seeds")
                guard count >= 1 else {
                    throw InputError(.invalidOption, source: "--seeds", problem: "0 seeds", fix: "give at least 1")
                }
                configuration.benchSeeds = count
            }
            let selection = try backendOptions.select()
            let selfTest = SelfTest(backend: selection.backend, summary: selection.summary, configuration: configuration)
            let report = selfTest.run { check in
                if !json { StandardError.write("running \(check)…") }
            }
            passed = report.passed
            print(json ? report.json.prettyText : report.text.joined(separator: "\n"))
        }
        if !passed { throw ExitCode(ExitStatus.selfTestFailed) }
    }
}
