import ArgumentParser
import Foundation
import OptimizeMetrics

/// `optimize metrics`: the metrics store's agents, records, summaries, and pruning.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "List, show, summarize and prune the metrics store that sieve, search and bench record into.",
        discussion: """
            Every `optimize sieve`, `search` and `bench` run (unless --no-metrics) appends one record per \
            execution to .optimize/metrics/AGENT/executions.jsonl in the current directory (or the folder of \
            --metrics-dir or $OPTIMIZE_METRICS_DIR); agents are sieve, search and bench.WORKLOAD. Each \
            agent's summary.json holds its count, success rate, averages, last execution and trends: the \
            last 5 values against the 5 before, stable (→) when the difference of their means is within \
            max(2 standard errors, a floor: 0.05 for the success rate, 1% for quality and time), else up (↑) \
            or down (↓); unknown (?) with fewer than 2 values in a window. Records older than \
            $OPTIMIZE_METRICS_RETENTION_DAYS (default 180) days are dropped by the next append or by prune.
            """,
        subcommands: [List.self, Show.self, Summary.self, Prune.self, Record.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The agents that have records: count, success rate, last execution.")

        @OptionGroup var directory: MetricsDirectoryOptions

        func run() throws {
            try reportingErrors {
                let store = try directory.store()
                let agents = store.agents()
                guard !agents.isEmpty else {
                    print("no records in \(store.root)")
                    return
                }
                var rows = [["agent", "executions", "success", "last execution"]]
                for agent in agents {
                    let summary = try store.summary(of: agent)
                    rows.append([agent, "\(summary.executionCount)", MetricsCommand.percent(summary.successRate),
                                 summary.lastExecution ?? "-"])
                }
                print(TextTable.render(rows).joined(separator: "\n"))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An agent's summary and its last records.")

        @Argument(help: "The agent (see `optimize metrics list`): sieve, search, bench.W1, …")
        var agent: String

        @Option(help: "Records to show, the most recent last.")
        var last: Int = 20

        @Flag(help: "Print one JSON object: the summary (as summary.json holds it) and every record.")
        var json = false

        @OptionGroup var directory: MetricsDirectoryOptions

        func run() throws {
            try reportingErrors {
                let store = try directory.store()
                let records = try store.records(of: agent).records
                let summary = MetricsSummary(agent: agent, records: records)
                if json {
                    let encoder = JSONValueEncoder(keys: .snakeCase)
                    var encoded: [JSONValue] = []
                    for record in records { encoded.append(try encoder.encode(record)) }
                    print(JSONValue.object([("summary", try summary.json()), ("records", .array(encoded))]).prettyText)
                    return
                }
                print(MetricsCommand.describe(summary).joined(separator: "\n"))
                var rows = [["timestamp", "success", "quality", "time", "workload", "backend", "machine", "key"]]
                for record in records.suffix(max(0, last)) {
                    rows.append([record.timestamp, record.success ? "yes" : "no", MetricsCommand.number(record.qualityScore),
                                 MetricsCommand.seconds(record.executionTimeS), record.workload ?? "-", record.backend ?? "-",
                                 record.machine.hostname, record.idempotencyKey])
                }
                print(TextTable.render(rows).joined(separator: "\n"))
            }
        }
    }

    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every agent's summary with its trends (↑ ↓ → ?); --markdown for the Performance Summary table.")

        @Flag(help: "Print the Markdown \"Performance Summary\" table.")
        var markdown = false

        @Flag(help: "Print a JSON array of the summaries (as each summary.json holds it).")
        var json = false

        @OptionGroup var directory: MetricsDirectoryOptions

        func validate() throws {
            try validating { () throws(InputError) in
                if markdown && json {
                    throw InputError(.invalidOption, source: "--markdown", problem: "given with --json", fix: "give one of them")
                }
            }
        }

        func run() throws {
            try reportingErrors {
                let store = try directory.store()
                var summaries: [MetricsSummary] = []
                for agent in store.agents() { summaries.append(try store.summary(of: agent)) }
                if markdown {
                    print(PerformanceSummary.markdown(summaries), terminator: "")
                } else if json {
                    var values: [JSONValue] = []
                    for summary in summaries { values.append(try summary.json()) }
                    print(JSONValue.array(values).prettyText)
                } else if summaries.isEmpty {
                    print("no records in \(store.root)")
                } else {
                    var rows = [["agent", "executions", "success", "quality", "time", "last execution", "trends: success", "quality", "time"]]
                    for s in summaries {
                        rows.append([s.agent, "\(s.executionCount)", MetricsCommand.percent(s.successRate),
                                     MetricsCommand.number(s.avgQualityScore), MetricsCommand.seconds(s.avgExecutionTimeS),
                                     s.lastExecution ?? "-", PerformanceSummary.cell(s.trend.successRate),
                                     PerformanceSummary.cell(s.trend.qualityScore), PerformanceSummary.cell(s.trend.executionTimeS)])
                    }
                    print(TextTable.render(rows).joined(separator: "\n"))
                }
            }
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Drop the records older than the retention (of every agent, or those named).")

        @Argument(help: "The agents to prune (default: every agent).")
        var agents: [String] = []

        @Option(parsing: .unconditional, help: ArgumentHelp("Keep the records of the last N days (default: $OPTIMIZE_METRICS_RETENTION_DAYS, else 180).", valueName: "N"))
        var days: String?

        @OptionGroup var directory: MetricsDirectoryOptions

        func validate() throws {
            try validating { () throws(InputError) in
                if let days { _ = try MetricsStore.checkRetention(days, source: "--days") }
            }
        }

        func run() throws {
            try reportingErrors {
                let store = try directory.store()
                let retention = try days.map { text throws(InputError) in try MetricsStore.checkRetention(text, source: "--days") }
                    ?? store.retentionDays
                let chosen = agents.isEmpty ? store.agents() : agents
                guard !chosen.isEmpty else {
                    print("no records in \(store.root)")
                    return
                }
                for agent in chosen {
                    let dropped = try store.prune(agent: agent, days: retention)
                    let kept = try store.summary(of: agent).executionCount
                    print("\(agent): dropped \(dropped) record\(dropped == 1 ? "" : "s") older than \(retention) days, kept \(kept)")
                }
            }
        }
    }

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append one execution's record (for scripts and CI steps): nothing when its --key was recorded.",
            discussion: "Prints `recorded KEY` or `already recorded KEY` (exit 0 either way).")

        @Argument(help: "The agent: letters, digits, '.', '_' and '-' (such as ci.build).")
        var agent: String

        @Flag(inversion: .prefixedNo, help: "Whether the execution succeeded.")
        var success = true

        @Option(help: "Its quality score (higher is better).")
        var quality: Double?

        @Option(help: "Its execution time in seconds.")
        var time: Double?

        @Option(help: "Its workload.")
        var workload: String?

        @Option(help: "Its backend.")
        var backend: String?

        @Option(help: "Its idempotency key (default: a new one).")
        var key: String?

        @Option(help: ArgumentHelp("Append N records, keys KEY-1 … KEY-N (the tests' concurrent writers).", visibility: .hidden))
        var `repeat`: Int = 1

        @OptionGroup var directory: MetricsDirectoryOptions

        func run() throws {
            try reportingErrors {
                let store = try directory.store()
                let base = key ?? UUID().uuidString
                for index in 1...max(1, `repeat`) {
                    let key = `repeat` > 1 ? "\(base)-\(index)" : base
                    let record = MetricsRecord(success: success, agent: agent, qualityScore: quality, executionTimeS: time,
                                               workload: workload, backend: backend)
                    print(try store.append(record, idempotencyKey: key) ? "recorded \(key)" : "already recorded \(key)")
                }
            }
        }
    }

    /// The lines `show` prints above the records.
    static func describe(_ s: MetricsSummary) -> [String] {
        [
            "\(s.agent): \(s.executionCount) execution\(s.executionCount == 1 ? "" : "s"), success \(percent(s.successRate)), last \(s.lastExecution ?? "-")",
            "  average quality \(number(s.avgQualityScore)), average time \(seconds(s.avgExecutionTimeS))",
            "  trends (last 5 against the 5 before): success \(PerformanceSummary.cell(s.trend.successRate)), "
                + "quality \(PerformanceSummary.cell(s.trend.qualityScore)), time \(PerformanceSummary.cell(s.trend.executionTimeS))",
        ]
    }

    static func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }
    static func number(_ value: Double?) -> String { value.map { String(format: "%.4g", $0) } ?? "-" }
    static func seconds(_ value: Double?) -> String { value.map { String(format: "%.3g s", $0) } ?? "-" }
}
