import ArgumentParser
import Sieve

/// The `optimize` command: recovers PRNG seeds from observed draws.
@main
struct Optimize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Recover pseudo-random generator seeds from observed draws.",
        discussion: """
            Exit statuses: 0 success (status: proceed); 2 status: wait; 3 status: retry; 4 status: escalate; \(ExitStatus.summary).
            """,
        version: OptimizeVersion.current,
        subcommands: [
            PRNGsCommand.self, GenerateCommand.self, SieveCommand.self, SurvivorsCommand.self, MergeCommand.self,
            BenchCommand.self, StudyCommand.self, AskCommand.self, TellCommand.self,
            SearchCommand.self, ResumeCommand.self, WorkerCommand.self, CampaignCommand.self, SummarizeCommand.self, StatusCommand.self, MonitorCommand.self, ReportCommand.self, SoakCommand.self,
            ExportCommand.self, ChampionCommand.self, MigrateCommand.self, SelfTestCommand.self, MetricsCommand.self,
        ]
    )

    /// ArgumentParser's `main()`, writing the error of a failed `validate()` check (see ``validating(_:)``).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if let line = ValidationFailure.line, exitCode(for: error) != .success {
                StandardError.write(line)
            }
            exit(withError: error)
        }
    }
}
