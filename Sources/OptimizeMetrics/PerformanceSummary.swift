import Foundation

/// The Markdown "Performance Summary": one row per agent, its figures and its trends' arrows
/// (OPERATIONS.md §4), for a CI job's summary or a pull request.
///
/// ```markdown
/// ## Performance Summary
///
/// | Agent | Executions | Success rate | Avg quality | Avg time (s) | Last execution | Success | Quality | Time |
/// |---|---:|---:|---:|---:|---|:-:|:-:|:-:|
/// | bench.W1 | 12 | 100.0% | 4.1e+07 | 0.41 | 2026-12-02T05:40:00.000Z | → stable | ↑ up | → stable |
/// ```
public enum PerformanceSummary {
    /// The table of `summaries`, with a heading and the rule the arrows follow.
    public static func markdown(_ summaries: [MetricsSummary]) -> String {
        var lines = ["## Performance Summary", ""]
        guard !summaries.isEmpty else { return (lines + ["No executions recorded.", ""]).joined(separator: "\n") }
        lines.append("| Agent | Executions | Success rate | Avg quality | Avg time (s) | Last execution | Success | Quality | Time |")
        lines.append("|---|---:|---:|---:|---:|---|:-:|:-:|:-:|")
        for s in summaries {
            let cells = [
                s.agent, "\(s.executionCount)", s.successRate.map { String(format: "%.1f%%", $0 * 100) } ?? "–",
                s.avgQualityScore.map { String(format: "%.4g", $0) } ?? "–",
                s.avgExecutionTimeS.map { String(format: "%.3g", $0) } ?? "–", s.lastExecution ?? "–",
                cell(s.trend.successRate), cell(s.trend.qualityScore), cell(s.trend.executionTimeS),
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        lines += ["", "Trends: the last \(Trend.window) executions against the \(Trend.window) before; → stable when the means differ "
            + "by at most \(Int(Trend.standardErrors)) standard errors (or 0.05 of success rate, 1% of quality or time), ? with "
            + "fewer than 2 in a window.", ""]
        return lines.joined(separator: "\n")
    }

    /// A trend as its arrow and name: `↑ up`.
    public static func cell(_ trend: Trend) -> String { "\(trend.arrow) \(trend.direction.rawValue)" }
}
